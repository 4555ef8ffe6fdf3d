'use strict';
/*
 * The server under test: `node dist/main.js` in production mode with a temp INI file
 * pointing at the run's throwaway database, and the seeding through POST /initdb/.
 * Shared by bench/run.js and bench/soak.js.
 */
const { writeFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { httpRequest, freePort } = require('./http-client');
const { spawnNode, waitUntilReady, rssMiB } = require('./server-process');

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'dist', 'main.js');
const SEED_DOCUMENT = join(ROOT, 'test', 'fixtures', 'seed-example.json');

/**
 * @typedef {object} StartedServer
 * @property {import('./server-process').ChildServer} server
 * @property {number} spawnedAt      performance.now() just before the spawn
 * @property {number} readyMs        spawn → first 200 on GET /
 * @property {number | null} rssAtReadyMiB
 */

/**
 * Writes the INI file into `temp` and starts the server on a free loopback port.
 * @param {{ temp: string, dbUri: string, adapter: string, extraConfig: readonly string[],
 *   nodeFlags?: readonly string[], logFile?: string, entry?: string }} options
 *   extraConfig: `key=value` pairs for [automx2]; logFile: keep all server output there;
 *   entry: the server's main file (default dist/main.js)
 * @returns {Promise<StartedServer>}
 */
async function startAutomx2(options) {
  const ini = join(options.temp, 'automx2.conf');
  writeFileSync(
    ini,
    [
      '[automx2]',
      'loglevel = WARNING',
      `db_uri = ${options.dbUri}`,
      `http_adapter = ${options.adapter}`,
    ]
      .concat(options.extraConfig.map((pair) => pair.replace('=', ' = ')))
      .join('\n') + '\n',
  );
  const port = await freePort();
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NODE_ENV: 'production', AUTOMX2_CONF: ini };
  delete env.AUTOMX2_DB_URI;
  const spawnedAt = performance.now();
  const server = spawnNode(
    [
      ...(options.nodeFlags ?? []),
      options.entry ?? ENTRY,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { cwd: ROOT, env, url: `http://127.0.0.1:${port}`, logFile: options.logFile },
  );
  try {
    const readyMs = await waitUntilReady(server, spawnedAt);
    return { server, spawnedAt, readyMs, rssAtReadyMiB: rssMiB(server.pid) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Seeds test/fixtures/seed-example.json through POST /initdb/.
 * @param {import('./server-process').ChildServer} server
 * @returns {Promise<void>}
 */
async function seedExample(server) {
  const seeded = await httpRequest(server.url, {
    method: 'POST',
    path: '/initdb/',
    headers: { 'Content-Type': 'application/json' },
    body: readFileSync(SEED_DOCUMENT),
    timeoutMs: 30_000,
  });
  if (seeded.status !== 200 || !seeded.body.toString().includes('Database is now prepared')) {
    throw new Error(`POST /initdb/ answered ${seeded.status}: ${seeded.body.toString()}`);
  }
}

module.exports = { startAutomx2, seedExample, ENTRY };
