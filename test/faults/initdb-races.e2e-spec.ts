import { Agent } from 'node:http';
import { SEED_EXAMPLE_JSON, outlookRequestXml } from '../support/fixtures';
import { comparable, send } from '../support/route-reads';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';
import { firstPassOnly } from '../support/adapter-pass';

/** Adapter-independent: the Express re-run of `npm test` skips it. */
const once = firstPassOnly;

/**
 * Races on /initdb/ (issue 7, items 4e and 4f; issue 14, L3), on SQLite (file),
 * PostgreSQL and MariaDB:
 * - ten concurrent first `GET /initdb/` on an empty database: the schema is created
 *   once, every request answers 200 and exactly one loads the sample data;
 * - 50 concurrent `POST /initdb/` with seed-example.json: exactly one load applies,
 *   the 49 others answer "already contains provider data", and the tables hold one
 *   copy of the data; counts sampled while the race runs are always all-empty or
 *   all-loaded (never half-seeded);
 * - `DELETE /initdb/` racing reads: every reader gets the whole old state (200 with
 *   every server) or the empty one (204), never a 5xx or a document with parts missing.
 */

const TABLES = [
  'provider',
  'domain',
  'server',
  'server_domain',
  'davserver',
  'davserver_domain',
  'ldapserver',
] as const;
type Counts = Record<(typeof TABLES)[number], number>;

const PREPARED = 'Database is now prepared';
const ALREADY = 'Database already contains provider data';
const ADDRESS = 'someone@example.org';
const OUTLOOK_REQUEST = outlookRequestXml(ADDRESS);

/** Row counts of every automx2 table in one statement (one consistent snapshot). */
async function countRows(db: TestDatabase): Promise<Counts> {
  const statement = `SELECT ${TABLES.map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}_rows`).join(', ')}`;
  let row: Record<string, unknown> | undefined;
  if (db.dialect === 'sqlite-file') {
    const Database = (await import('better-sqlite3')).default;
    const sqlite = new Database(db.dbUri.slice('sqlite:///'.length), { readonly: true });
    try {
      row = sqlite.prepare(statement).get() as Record<string, unknown>;
    } finally {
      sqlite.close();
    }
  } else if (db.dialect === 'postgres') {
    row = ((await db.sql(statement)) as { rows: Record<string, unknown>[] }).rows[0];
  } else {
    row = ((await db.sql(statement)) as [Record<string, unknown>[]])[0][0];
  }
  if (row === undefined) throw new Error('no count row');
  const counts = {} as Counts;
  for (const table of TABLES) counts[table] = Number(row[`${table}_rows`]);
  return counts;
}

const EMPTY: Counts = Object.fromEntries(TABLES.map((table) => [table, 0])) as Counts;

once(describe).each(ENGINE_DIALECTS)('first /initdb/ on an empty %s database', (dialect) => {
  describeDialect(dialect)('', () => {
    let db: TestDatabase;
    let app: TestApp;
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      app = await startTestApp({ dbUri: db.dbUri });
    });

    afterAll(async () => {
      agent.destroy();
      await app?.close();
      await db?.drop();
    });

    it('ten concurrent GET /initdb/: the schema is made once, all 200, one sample load', async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => send(app.url, 'GET', '/initdb/', agent)),
      );
      const summary = answers.map((answer) =>
        answer.status === 200 && answer.body.includes(PREPARED)
          ? 'prepared'
          : answer.status === 200 && answer.body.includes(ALREADY)
            ? 'already'
            : `${answer.status} ${answer.body.slice(0, 200)}`,
      );
      expect(summary.sort()).toEqual([...Array<string>(9).fill('already'), 'prepared']);
      // One copy of the sample data: what one load on its own leaves.
      const raced = await countRows(db);
      expect((await send(app.url, 'DELETE', '/initdb/', agent)).status).toBe(200);
      expect((await send(app.url, 'GET', '/initdb/', agent)).body).toContain(PREPARED);
      expect(raced).toEqual(await countRows(db));
      expect(raced.provider).toBeGreaterThan(0);
    });
  });
});

once(describe).each(ENGINE_DIALECTS)('/initdb/ races on %s', (dialect: Dialect) => {
  describeDialect(dialect)('', () => {
    let db: TestDatabase;
    let app: TestApp;
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const seed = { type: 'application/json', text: SEED_EXAMPLE_JSON };
    /** Counts after one load on its own. */
    let loaded: Counts;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      app = await startTestApp({ dbUri: db.dbUri });
      await send(app.url, 'DELETE', '/initdb/', agent);
      expect((await send(app.url, 'POST', '/initdb/', agent, seed)).body).toContain(PREPARED);
      loaded = await countRows(db);
      expect(loaded.provider).toBe(1);
      expect(loaded.server).toBeGreaterThan(0);
    });

    afterAll(async () => {
      agent.destroy();
      await app?.close();
      await db?.drop();
    });

    it.each([1, 2, 3])(
      '50 concurrent loads (round %i): exactly one applies, never half-seeded, no duplicates',
      async () => {
        await send(app.url, 'DELETE', '/initdb/', agent);
        expect(await countRows(db)).toEqual(EMPTY);
        let racing = true;
        const samples: Counts[] = [];
        const sampler = (async () => {
          while (racing) {
            samples.push(await countRows(db));
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        const answers = await Promise.all(
          Array.from({ length: 50 }, () => send(app.url, 'POST', '/initdb/', agent, seed)),
        ).finally(() => {
          racing = false;
        });
        await sampler;
        expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
        expect(answers.filter((answer) => answer.body.includes(PREPARED))).toHaveLength(1);
        expect(answers.filter((answer) => answer.body.includes(ALREADY))).toHaveLength(49);
        expect(await countRows(db)).toEqual(loaded);
        expect(samples.length).toBeGreaterThan(0);
        const torn = samples.filter(
          (sample) =>
            JSON.stringify(sample) !== JSON.stringify(EMPTY) &&
            JSON.stringify(sample) !== JSON.stringify(loaded),
        );
        expect(torn).toEqual([]);
      },
    );

    it('DELETE racing reads: readers get the old state (200) or none (204), never a 5xx', async () => {
      const reads = [
        {
          method: 'GET',
          path: `/mail/config-v1.1.xml?emailaddress=${ADDRESS}`,
          marker: '</clientConfig>',
        },
        { method: 'POST', path: '/autodiscover/autodiscover.xml', marker: '</Autodiscover>' },
        { method: 'GET', path: `/mobileconfig/?emailaddress=${ADDRESS}`, marker: '</plist>' },
      ] as const;
      // The complete answers, to compare every 200 with.
      const complete = new Map<string, string>();
      for (const read of reads) {
        const answer = await send(
          app.url,
          read.method,
          read.path,
          agent,
          read.method === 'POST' ? { type: 'text/xml', text: OUTLOOK_REQUEST } : undefined,
        );
        expect(answer.status).toBe(200);
        complete.set(read.path, comparable(answer.body));
      }
      const outcomes = new Map<string, number>();
      const wrong: string[] = [];
      let running = true;
      const reader = async (index: number) => {
        for (let i = index; running; i += 1) {
          const read = reads[i % reads.length]!;
          const answer = await send(
            app.url,
            read.method,
            read.path,
            agent,
            read.method === 'POST' ? { type: 'text/xml', text: OUTLOOK_REQUEST } : undefined,
          );
          const key = `${read.path.split('?')[0]} ${answer.status}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          const whole =
            answer.status === 200 && comparable(answer.body) === complete.get(read.path);
          if (!whole && answer.status !== 204) {
            wrong.push(`${key}: ${answer.body.slice(0, 300)}`);
          }
        }
      };
      const readers = Array.from({ length: 12 }, (_, i) => reader(i));
      try {
        // Several purge/load cycles while the readers run.
        for (let cycle = 0; cycle < 6; cycle += 1) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          expect((await send(app.url, 'DELETE', '/initdb/', agent)).status).toBe(200);
          await new Promise((resolve) => setTimeout(resolve, 40));
          expect((await send(app.url, 'POST', '/initdb/', agent, seed)).body).toContain(PREPARED);
        }
      } finally {
        running = false;
        await Promise.all(readers);
      }
      expect(wrong).toEqual([]);
      const statuses = new Set([...outcomes.keys()].map((key) => key.split(' ')[1]));
      expect([...statuses].sort()).toEqual(['200', '204']);
    });
  });
});
