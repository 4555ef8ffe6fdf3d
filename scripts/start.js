#!/usr/bin/env node
/* `npm start`: build when dist/ is missing or older than the sources, then serve.
 * The build is the server (tsc) and the web console (scripts/build-console.js).
 * Arguments after `--` go to the server (`npm start -- --host 0.0.0.0 --port 8080`).
 * `--build-only` just brings dist/ up to date.
 *
 * Signals: the server runs in this process, so SIGTERM, SIGINT and SIGHUP reach it
 * directly. Under `npm start` npm passes SIGTERM and SIGINT on to its script, and
 * package.json `exec`s this one so that no shell stands in between (a shell would take
 * the signal and die, leaving the server running). While the TypeScript compiler runs,
 * those signals are passed on to it, and this process ends as it did: with its exit
 * code, or by the same signal. */
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { writeBuildInfo } = require('./build-info');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'main.js');
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    const time = name.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(entry) || !existsSync(join(root, 'dist', 'migrations'))) return true;
  if (!existsSync(join(root, 'dist', 'console', 'index.html'))) return true;
  // src/ holds the web console's sources (src/console/web) too.
  const built = statSync(entry).mtimeMs;
  return ['src', 'migrations'].some((dir) => newestMtime(join(root, dir)) > built);
}

/**
 * Runs `node ARGS` in the repository, passing FORWARDED signals on while it runs.
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null }>}
 */
function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      done();
      resolve({ code, signal });
    });
  });
}

/**
 * Ends this process as the child ended: by the same signal (no handler is installed
 * any more, so its default action applies), else with its exit code.
 * @param {{ code: number | null, signal: NodeJS.Signals | null }} result
 */
function exitAs({ code, signal }) {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
}

async function build() {
  process.stderr.write('building dist/ ...\n');
  const tsc = require.resolve('typescript/bin/tsc');
  for (const project of ['tsconfig.build.json', join('migrations', 'tsconfig.json')]) {
    const result = await runNode([tsc, '-p', project]);
    if (result.code !== 0) return result;
  }
  // The web console (/admin/): esbuild, in a child so that no esbuild service outlives it.
  const web = await runNode([join(__dirname, 'build-console.js')]);
  if (web.code !== 0) return web;
  writeBuildInfo();
  return null;
}

async function main() {
  const args = process.argv.slice(2);
  const buildOnly = args[0] === '--build-only';
  if (needsBuild()) {
    const failed = await build();
    if (failed !== null) return exitAs(failed);
  } else if (!existsSync(join(root, 'dist', 'build-info.json'))) {
    writeBuildInfo();
  }
  if (buildOnly) return;
  // Run the server in this process: signals reach it directly.
  process.argv = [process.argv[0], entry, ...args];
  require(entry);
}

main().catch((error) => {
  process.stderr.write(`start.js: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
