import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPassOnly } from '../support/adapter-pass';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, ensureBuilt } from '../support/dist';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { comparable, routeReads, send, sendRead, type Answer } from '../support/route-reads';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';

/**
 * Issue 14, M1: a lookup sees one consistent snapshot. With the settings cache off
 * (cache_ttl = 0), readers hammer autoconfig, Autodiscover and mobileconfig of the
 * application in the test's process while a writer purges and loads through /initdb/,
 * in turn on that application and on the compiled server in a process of its own, and
 * replaces all data with `import --replace` (the shipped CLI, a third process), on
 * PostgreSQL, MariaDB and a SQLite file shared by the processes. Every answer must be
 * the whole old data, the whole new data, or "unknown domain" (204): never a document
 * with parts missing, a 400 or a 5xx.
 */

const ADDRESS = 'someone@example.org';
const READS = routeReads(ADDRESS);
const READERS = 8;
const ROUNDS = 2;
const PURGES_PER_ROUND = 5;
const PAUSE_MS = 20;
const PREPARED = 'Database is now prepared';

/** State A: the seeding document of the spec. */
const DOCUMENT_A = SEED_EXAMPLE_JSON;

/** State B: the same domains with other servers (names, ports, one server fewer). */
function documentB(): string {
  const seed = JSON.parse(SEED_EXAMPLE_JSON) as {
    provider: string;
    servers: { type: string; name?: string; url?: string; port?: number }[];
  };
  return JSON.stringify({
    ...seed,
    provider: 'Other Mail Services',
    servers: seed.servers
      .filter((server) => server.type !== 'pop')
      .map((server) => ({
        ...server,
        ...(server.name ? { name: server.name.replace('example.com', 'mail.example.net') } : {}),
        ...(server.url ? { url: server.url.replace('example.com', 'example.net') } : {}),
        ...(server.type === 'smtp' ? { port: 2525 } : {}),
      })),
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = 'A' | 'B' | 'unknown domain';

firstPassOnly(describe).each(ENGINE_DIALECTS)(
  'lookups racing writers on %s (cache_ttl = 0)',
  (dialect: Dialect) => {
    describeDialect(dialect)('', () => {
      let dir: string;
      let db: TestDatabase;
      let app: TestApp;
      let server: ServerProcess;
      const agent = new Agent({ keepAlive: true, maxSockets: 64 });
      const files = { A: '', B: '' };

      /** `automx2-nest import --replace FILE` in a process of its own. */
      const importReplace = (file: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [DIST_CLI, 'import', '--replace', file], {
            cwd: dir,
            env: {
              PATH: process.env.PATH,
              HOME: dir,
              AUTOMX2_CONF: emptyConfigFile(dir),
              AUTOMX2_DB_URI: db.dbUri,
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
          child.once('error', reject);
          child.once('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`import exited ${code}:\n${stderr}`)),
          );
        });

      /** /initdb/ of the application in this process, or of the compiled server. */
      const writer = (index: number) => (index % 2 === 0 ? app.url : server.url);
      const loadA = async (index = 0) => {
        const answer = await send(writer(index), 'POST', '/initdb/', agent, json(DOCUMENT_A));
        expect(answer.body).toContain(PREPARED);
      };
      const purge = async (index = 0) => {
        expect((await send(writer(index), 'DELETE', '/initdb/', agent)).status).toBe(200);
      };

      beforeAll(async () => {
        ensureBuilt();
        dir = mkdtempSync(join(tmpdir(), 'automx2-consistent-'));
        files.A = join(dir, 'a.json');
        files.B = join(dir, 'b.json');
        writeFileSync(files.A, DOCUMENT_A);
        writeFileSync(files.B, documentB());
        db = await createTestDatabase(dialect);
        const base = testConfig({ dbUri: db.dbUri });
        app = await startTestApp({
          dbUri: db.dbUri,
          config: { settingsCache: { ...base.settingsCache, ttlMs: 0 } },
        });
        await purge(); // creates the tables
        server = await startServerProcess({ db_uri: db.dbUri, cache_ttl: '0' });
      }, 200_000);

      afterAll(async () => {
        agent.destroy();
        await server?.destroy();
        await app?.close();
        await db?.drop();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it('every answer is the whole old data, the whole new data or "unknown domain"', async () => {
        // The complete answers of each state, to compare every 200 with.
        const whole = new Map<string, Map<string, Outcome>>(
          READS.map((read) => [read.route, new Map()]),
        );
        const record = async (state: Outcome) => {
          for (const read of READS) {
            const answer = await sendRead(app.url, read, agent);
            expect({ route: read.route, status: answer.status }).toEqual({
              route: read.route,
              status: 200,
            });
            whole.get(read.route)?.set(comparable(answer.body), state);
          }
        };
        await importReplace(files.B);
        await record('B');
        await purge();
        await loadA();
        await record('A');
        for (const states of whole.values()) expect(states.size).toBe(2);

        const seen = new Map<string, number>();
        const wrong: string[] = [];
        const classify = (route: string, answer: Answer): Outcome | null => {
          if (answer.status === 204) return 'unknown domain';
          if (answer.status !== 200) return null;
          return whole.get(route)?.get(comparable(answer.body)) ?? null;
        };
        let running = true;
        const reader = async (index: number) => {
          for (let i = index; running; i += 1) {
            const read = READS[i % READS.length]!;
            const answer = await sendRead(app.url, read, agent);
            const outcome = classify(read.route, answer);
            const key = `${read.route}: ${outcome ?? `torn (${answer.status})`}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
            if (outcome === null) wrong.push(`${key}: ${answer.body.slice(0, 400)}`);
          }
        };
        const readers = Array.from({ length: READERS }, (_, i) => reader(i));
        try {
          // A → B (one transaction of the CLI), then B → none → A through both servers.
          for (let round = 0; round < ROUNDS; round += 1) {
            await importReplace(files.B);
            for (let i = 0; i < PURGES_PER_ROUND; i += 1) {
              await pause(PAUSE_MS);
              await purge(i);
              await pause(PAUSE_MS);
              await loadA(i + 1);
            }
          }
        } finally {
          running = false;
          await Promise.all(readers);
        }
        const report = [...seen.entries()].map(([key, count]) => `${key} × ${count}`).sort();
        expect({ wrong: wrong.slice(0, 5), torn: wrong.length, report }).toEqual({
          wrong: [],
          torn: 0,
          report,
        });
        // The race really covered every state.
        const outcomes = new Set([...seen.keys()].map((key) => key.split(': ')[1]));
        expect([...outcomes].sort()).toEqual(['A', 'B', 'unknown domain']);
      }, 180_000);
    });
  },
);

function json(text: string) {
  return { type: 'application/json', text };
}
