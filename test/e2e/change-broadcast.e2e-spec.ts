import { Agent } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { CHANGE_CHANNEL } from '../../src/database/change-broadcast';
import {
  ChangeListener,
  LISTENER_APPLICATION_NAME,
} from '../../src/database/change-broadcast.listener';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, ensureBuilt } from '../support/dist';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { freePort } from '../support/nginx';
import { createPgCluster, type PgCluster } from '../support/pg-cluster';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { describeWith } from '../support/services';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  POSTGRES_ADMIN,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';
import { runNode, type Finished } from '../support/run-node';

/**
 * Changes seen across processes (admin API issue): the process that made a change
 * answers with it at once; on PostgreSQL every other replica within 1 second
 * (LISTEN/NOTIFY), also after its listener lost the connection; on MySQL/MariaDB and
 * SQLite nothing is attempted and cache_ttl bounds staleness.
 *
 * The servers are compiled processes (dist/) with cache_ttl = 3600: without a
 * notification another replica would answer from its cache for an hour, so each "seen
 * within" below fails unless the change was announced to it.
 */

/** The requirement: another replica sees a change within 1 s of the write's answer. */
const BOUND_MS = 1000;
/** Scheduling of three processes on a shared machine and the polling itself; not cache_ttl. */
const MARGIN_MS = 250;
const SEEN_WITHIN_MS = BOUND_MS + MARGIN_MS;
const POLL_MS = 20;
const CACHE_TTL_SECONDS = '3600';
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=someone@example.org';
const HOST = 'autoconfig.example.org';
const LISTENER_UP = 'automx2_change_listener_up';
const SETTINGS_HITS = 'automx2_cache_lookups_total{cache="settings",result="hit"}';

/** The seeding document of the spec under another provider name (the answer's displayName). */
function documentNamed(provider: string): string {
  return JSON.stringify({ ...(JSON.parse(SEED_EXAMPLE_JSON) as object), provider });
}

async function answer(base: string): Promise<{ status: number; text: string }> {
  const response = await request(base).get(AUTOCONFIG).set('Host', HOST);
  return { status: response.status, text: response.text };
}

/** Whether the server at `base` answers autoconfig with `provider`'s name. */
async function shows(base: string, provider: string): Promise<boolean> {
  const { status, text } = await answer(base);
  return status === 200 && text.includes(`<displayName>${provider}</displayName>`);
}

/** The name of a test database (the last part of its URL). */
const databaseName = (db: TestDatabase) => db.dbUri.slice(db.dbUri.lastIndexOf('/') + 1);

/** Replaces all data through `base`'s /initdb/ (purge, then load). */
async function reseed(base: string, provider: string): Promise<void> {
  await request(base).delete('/initdb/').expect(200);
  await request(base)
    .post('/initdb/')
    .set('Content-Type', 'application/json')
    .send(documentNamed(provider))
    .expect(200);
}

/** One sample of `base`'s /metrics, or undefined when it is not exported. */
async function metric(base: string, name: string): Promise<number | undefined> {
  const text = (await request(base).get('/metrics').expect(200)).text;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/**
 * Polls `probe` until it holds and returns the milliseconds since `since`; throws once
 * `ms` have passed since then, naming what was last seen.
 */
async function seenWithin(
  ms: number,
  since: number,
  probe: () => Promise<boolean>,
  lastSeen: () => Promise<string> = () => Promise.resolve(''),
): Promise<number> {
  for (;;) {
    if (await probe()) return Date.now() - since;
    if (Date.now() - since > ms) throw new Error(`not within ${ms} ms ${await lastSeen()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until `base` answers with `provider` within `ms` of `since`; returns the delay. */
function showsWithin(ms: number, since: number, base: string, provider: string) {
  return seenWithin(
    ms,
    since,
    () => shows(base, provider),
    async () => {
      const { status, text } = await answer(base);
      const shown = /<displayName>([^<]*)<\/displayName>/.exec(text)?.[1];
      return `(${base} answers ${status}${shown === undefined ? '' : ` ${shown}`}, not ${provider})`;
    },
  );
}

/** Waits until `base` reports its listener `up` (1) or not (0). */
function listenerState(base: string, up: 0 | 1, ms = 10_000) {
  return seenWithin(ms, Date.now(), async () => (await metric(base, LISTENER_UP)) === up);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Log lines of the listener's outages and recoveries in `log`. */
function outageLines(log: string) {
  return {
    warnings: log.match(/ WARNING \[ChangeBroadcast\] change notifications .*unavailable/g) ?? [],
    restored: log.match(/ INFO \[ChangeBroadcast\] change notifications .*restored/g) ?? [],
  };
}

/** The shipped CLI with only the database given (an empty configuration file). */
function cli(dbUri: string, args: readonly string[], home: string): Promise<Finished> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AUTOMX2_CONF: emptyConfigFile(home),
    AUTOMX2_DB_URI: dbUri,
  };
  return runNode(DIST_CLI, args, { cwd: home, env });
}

describeWith('postgres')('changes seen across replicas on PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let home: string;

  /**
   * SQL on the server's `test` database, which accepts connections while the test
   * database may not.
   */
  const adminSql = async <Row>(statement: string): Promise<Row[]> => {
    const client = new Client(POSTGRES_ADMIN);
    await client.connect();
    try {
      return (await client.query(statement)).rows as Row[];
    } finally {
      await client.end();
    }
  };

  /** The listeners' sessions on the test database (pg_stat_activity). */
  const listenerPids = async (): Promise<number[]> => {
    const rows = await adminSql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = '${LISTENER_APPLICATION_NAME}' ` +
        `AND datname = '${databaseName(db)}'`,
    );
    return rows.map((row) => row.pid);
  };

  /** Terminates the listeners' sessions and waits until they are gone. */
  const killListeners = async (): Promise<void> => {
    const killed = await listenerPids();
    expect(killed).toHaveLength(2);
    await adminSql(`SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[${killed.join(',')}]) pid`);
    await seenWithin(5000, Date.now(), async () =>
      (await listenerPids()).every((pid) => !killed.includes(pid)),
    );
  };

  /** All data replaced through A, and B's answer cached (it would be for an hour). */
  const cachedOnB = async (provider: string): Promise<void> => {
    await reseed(a.url, provider);
    await showsWithin(SEEN_WITHIN_MS, Date.now(), b.url, provider);
    // The purge's and the load's notifications may arrive one after the other: B answers
    // from its cache once both have.
    await seenWithin(5000, Date.now(), async () => {
      const hits = (await metric(b.url, SETTINGS_HITS)) ?? 0;
      return (await shows(b.url, provider)) && ((await metric(b.url, SETTINGS_HITS)) ?? 0) > hits;
    });
  };

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'automx2-broadcast-'));
    db = await createTestDatabase('postgres');
    const config = { db_uri: db.dbUri, cache_ttl: CACHE_TTL_SECONDS, loglevel: 'INFO' };
    [a, b] = await Promise.all([startServerProcess(config), startServerProcess(config)]);
    await Promise.all([listenerState(a.url, 1), listenerState(b.url, 1)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await db?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('each server LISTENs on a session of its own, named for operators', async () => {
    expect(await listenerPids()).toHaveLength(2);
    // The session's last statement: LISTEN, or the check of an idle connection (every 30 s).
    const rows = await adminSql<{ query: string }>(
      `SELECT query FROM pg_stat_activity WHERE application_name = '${LISTENER_APPLICATION_NAME}' ` +
        `AND datname = '${databaseName(db)}'`,
    );
    for (const { query } of rows) expect([`LISTEN ${CHANGE_CHANNEL}`, 'SELECT 1']).toContain(query);
  });

  it('a change made through A is answered by A at once and by B within 1 s, a purge and a load', async () => {
    await cachedOnB('Provider One');

    await request(a.url).delete('/initdb/').expect(200);
    const purged = Date.now();
    expect((await answer(a.url)).status).toBe(204);
    const purgeSeen = await seenWithin(
      SEEN_WITHIN_MS,
      purged,
      async () => (await answer(b.url)).status === 204,
    );
    expect(purgeSeen).toBeLessThanOrEqual(SEEN_WITHIN_MS);

    // B now remembers that the domain is unknown: the load must reach that entry too.
    await request(a.url)
      .post('/initdb/')
      .set('Content-Type', 'application/json')
      .send(documentNamed('Provider Two'))
      .expect(200);
    const loaded = Date.now();
    expect(await shows(a.url, 'Provider Two')).toBe(true);
    expect(await showsWithin(SEEN_WITHIN_MS, loaded, b.url, 'Provider Two')).toBeLessThanOrEqual(
      SEEN_WITHIN_MS,
    );
  });

  it('an `automx2-nest import --merge` is seen by running servers within 1 s', async () => {
    await cachedOnB('Provider Two');
    expect(await shows(a.url, 'Provider Two')).toBe(true);
    const file = join(home, 'merge.json');
    writeFileSync(file, documentNamed('Provider Three'));
    const result = await cli(db.dbUri, ['import', '--merge', file], home);
    const imported = Date.now();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('replaced domain example.org');
    for (const server of [a, b]) {
      expect(
        await showsWithin(SEEN_WITHIN_MS, imported, server.url, 'Provider Three'),
      ).toBeLessThanOrEqual(SEEN_WITHIN_MS);
    }
  });

  it("any notification on the channel counts (an operator's NOTIFY after editing rows by SQL)", async () => {
    await cachedOnB('Provider Three');
    expect(await shows(a.url, 'Provider Three')).toBe(true);
    await db.sql("UPDATE provider SET name = 'Provider Four' WHERE name = 'Provider Three'");
    // Edited behind the servers' backs: both still answer from their caches...
    for (const server of [a, b]) expect(await shows(server.url, 'Provider Three')).toBe(true);
    // ...until someone announces it, with whatever payload.
    await db.sql(`NOTIFY ${CHANGE_CHANNEL}, 'rows edited by hand'`);
    const notified = Date.now();
    for (const server of [a, b]) {
      await showsWithin(SEEN_WITHIN_MS, notified, server.url, 'Provider Four');
    }
  });

  it('after its session is killed, B reconnects and sees the next change within 1 s again', async () => {
    await cachedOnB('Provider Five');
    const logged = b.stderr().length;
    await killListeners();
    await Promise.all([listenerState(a.url, 1, 5000), listenerState(b.url, 1, 5000)]);
    const { warnings, restored } = outageLines(b.stderr().slice(logged));
    expect({ warnings: warnings.length, restored: restored.length }).toEqual({
      warnings: 1,
      restored: 1,
    });
    expect(await listenerPids()).toHaveLength(2);

    await reseed(a.url, 'Provider Six');
    const changed = Date.now();
    expect(await showsWithin(SEEN_WITHIN_MS, changed, b.url, 'Provider Six')).toBeLessThanOrEqual(
      SEEN_WITHIN_MS,
    );
    expect(b.stderr()).not.toMatch(/\b(ERROR|CRITICAL)\b/);
  });

  it('a listener that cannot reconnect for a while warns once, and once back drops what it missed', async () => {
    await cachedOnB('Provider Seven');
    const logged = b.stderr().length;
    // A session opened now keeps working while new ones are refused.
    const writer = new Client({ ...POSTGRES_ADMIN, database: databaseName(db) });
    await writer.connect();
    const admin = new Client(POSTGRES_ADMIN);
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${databaseName(db)} ALLOW_CONNECTIONS false`);
      try {
        await killListeners();
        await listenerState(b.url, 0, 5000);
        // Retries after about 0.5 and 1.5 s fail; meanwhile a writer changes the data and
        // announces it to nobody (no listener is connected).
        await sleep(2000);
        await writer.query(
          "UPDATE provider SET name = 'Provider Eight' WHERE name = 'Provider Seven'",
        );
        await writer.query(`SELECT pg_notify('${CHANGE_CHANNEL}', 'missed')`);
        await sleep(200);
        expect(await metric(b.url, LISTENER_UP)).toBe(0);
        expect(await shows(b.url, 'Provider Seven')).toBe(true);
      } finally {
        await admin.query(`ALTER DATABASE ${databaseName(db)} ALLOW_CONNECTIONS true`);
      }
    } finally {
      await Promise.all([writer.end(), admin.end()]);
    }
    const allowed = Date.now();
    // The next retry comes within 10 s (the cap); then B clears its cache once.
    await showsWithin(12_000, allowed, b.url, 'Provider Eight');
    await listenerState(b.url, 1, 1000);
    const { warnings, restored } = outageLines(b.stderr().slice(logged));
    expect({ warnings: warnings.length, restored: restored.length }).toEqual({
      warnings: 1,
      restored: 1,
    });

    await reseed(a.url, 'Provider Nine');
    const changed = Date.now();
    await showsWithin(SEEN_WITHIN_MS, changed, b.url, 'Provider Nine');
  });

  it('SIGTERM ends a server with its listener open at once and cleanly', async () => {
    await Promise.all([listenerState(a.url, 1), listenerState(b.url, 1)]);
    expect(await listenerPids()).toHaveLength(2);
    b.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      b.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('still running after 10 s'), 10_000);
      }),
    ]);
    clearTimeout(timer);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(b.stderr()).not.toMatch(/\b(ERROR|CRITICAL)\b/);
    await seenWithin(5000, Date.now(), async () => (await listenerPids()).length === 1);
    // A, unaffected, still serves and takes changes.
    await reseed(a.url, 'Provider Ten');
    expect(await shows(a.url, 'Provider Ten')).toBe(true);
  });
});

describeWith('postgres')("a database outage, on a PostgreSQL cluster of the test's own", () => {
  let cluster: PgCluster | undefined;
  let server: ServerProcess | undefined;
  const DATABASE = 'automx2';

  const base = () => {
    if (!server) throw new Error('server not started');
    return server.url;
  };

  beforeAll(async () => {
    ensureBuilt();
    cluster = await createPgCluster();
    await cluster.start();
    await cluster.sql(`CREATE DATABASE ${DATABASE}`);
    server = await startServerProcess({
      db_uri: cluster.uri(DATABASE),
      cache_ttl: CACHE_TTL_SECONDS,
      loglevel: 'INFO',
    });
    await listenerState(base(), 1);
  }, 180_000);

  afterAll(async () => {
    await server?.destroy();
    await cluster?.destroy();
  });

  it('warns once however many retries fail, serves cached answers meanwhile, and says once when it is back', async () => {
    const pg = cluster!;
    await reseed(base(), 'Before');
    expect(await shows(base(), 'Before')).toBe(true);
    const logged = server!.stderr().length;

    await pg.stop('fast');
    await listenerState(base(), 0, 5000);
    // Retries after about 0.5, 1.5 and 3.5 s fail.
    await sleep(4000);
    expect(await shows(base(), 'Before')).toBe(true);
    await pg.start();
    // The next retry comes within 10 s (the cap).
    await listenerState(base(), 1, 12_000);

    const log = server!.stderr().slice(logged);
    const { warnings, restored } = outageLines(log);
    expect({ warnings: warnings.length, restored: restored.length }).toEqual({
      warnings: 1,
      restored: 1,
    });
    expect(log).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    expect(server!.running()).toBe(true);
    // Writes work again, and are answered at once.
    await seenWithin(10_000, Date.now(), async () => {
      const response = await request(base()).delete('/initdb/');
      return response.status === 200;
    });
    expect((await answer(base())).status).toBe(204);
  }, 60_000);
});

/**
 * The listener on its own: its reconnection schedule against a port nobody listens on,
 * and, through a TCP proxy that can go silent (a network that drops packets without
 * closing anything), its check of an idle connection.
 */
describe('ChangeListener', () => {
  /** Records the listener's events; `next` waits for the n-th of a kind. */
  function recorder() {
    const events: { kind: 'listening' | 'lost' | 'notification'; value?: unknown }[] = [];
    const count = (kind: string) => events.filter((event) => event.kind === kind).length;
    return {
      events,
      count,
      handlers: {
        notification: (payload: string | undefined) =>
          events.push({ kind: 'notification', value: payload }),
        listening: () => events.push({ kind: 'listening' }),
        lost: (_error: unknown, retryInMs: number) =>
          events.push({ kind: 'lost', value: retryInMs }),
      },
      until: (kind: string, n: number, ms = 15_000) =>
        seenWithin(ms, Date.now(), () => Promise.resolve(count(kind) >= n)),
    };
  }

  it('retries a refused connection after 0.5, 1 and 2 s (each up to 20 % more), and stops at once', async () => {
    const port = await freePort();
    const seen = recorder();
    const listener = new ChangeListener(
      { host: '127.0.0.1', port, user: 'nobody', database: 'nothing' },
      seen.handlers,
    );
    listener.start();
    await seen.until('lost', 3);
    await listener.stop();
    const delays = seen.events.map((event) => event.value);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = delays as number[];
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(600);
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThanOrEqual(1200);
    expect(third).toBeGreaterThanOrEqual(2000);
    expect(third).toBeLessThanOrEqual(2400);
    expect(listener.listening).toBe(false);
    // Stopped: the retry that was due no longer happens.
    const after = seen.events.length;
    await sleep(2500);
    expect(seen.events.length).toBe(after);
  });

  describeWith('postgres')('through a proxy to PostgreSQL', () => {
    let db: TestDatabase;
    let proxy: Server;
    let proxyPort: number;
    let silent = false;
    const sockets = new Set<Socket>();

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      proxy = createServer((client) => {
        const upstream = connect(POSTGRES_ADMIN.port, POSTGRES_ADMIN.host);
        for (const [from, to] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          sockets.add(from);
          from.on('data', (chunk: Buffer) => {
            if (!silent) to.write(chunk);
          });
          from.on('error', () => to.destroy());
          from.on('close', () => {
            sockets.delete(from);
            to.destroy();
          });
        }
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyPort = (proxy.address() as AddressInfo).port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy?.close(resolve));
      await db?.drop();
    });

    it('hears notifications on its channel only, notices a silent connection, and reconnects', async () => {
      const seen = recorder();
      const listener = new ChangeListener(
        {
          host: '127.0.0.1',
          port: proxyPort,
          user: POSTGRES_ADMIN.user,
          database: databaseName(db),
          connectionTimeoutMillis: 1000,
          query_timeout: 1000,
        },
        seen.handlers,
        300,
      );
      try {
        listener.start();
        await seen.until('listening', 1);
        expect(listener.listening).toBe(true);
        await db.sql("NOTIFY some_other_channel, 'x'");
        await db.sql(`NOTIFY ${CHANGE_CHANNEL}, 'hello'`);
        await seen.until('notification', 1);
        expect(seen.events.filter((event) => event.kind === 'notification')).toEqual([
          { kind: 'notification', value: 'hello' },
        ]);

        // Packets dropped, nothing closed: only the periodic check can tell.
        silent = true;
        await seen.until('lost', 1);
        expect(listener.listening).toBe(false);
        silent = false;
        await seen.until('listening', 2);
        expect(listener.listening).toBe(true);
        // What was sent while it was away is gone; what is sent now arrives.
        await db.sql(`NOTIFY ${CHANGE_CHANNEL}, 'again'`);
        await seen.until('notification', 2);
        expect(seen.events.at(-1)).toEqual({ kind: 'notification', value: 'again' });
      } finally {
        await listener.stop();
      }
    });
  });
});

/**
 * `workers = 2` on SQLite: a worker's change reaches the other worker through the
 * primary (IPC) within 1 s, although no database channel exists.
 */
describe('cluster workers on SQLite', () => {
  let dir: string;
  let server: ServerProcess;
  /** One connection, so one worker, for every write. */
  const writer = new Agent({ keepAlive: true, maxSockets: 1 });

  /** Autoconfig on a new connection: the primary hands connections to the workers in turn. */
  const showsOnEveryWorker = async (provider: string): Promise<boolean> => {
    for (let i = 0; i < 6; i += 1) {
      const response = await request(server.url)
        .get(AUTOCONFIG)
        .set('Host', HOST)
        .set('Connection', 'close');
      if (!response.text.includes(`<displayName>${provider}</displayName>`)) return false;
    }
    return true;
  };

  const reseedThroughOneWorker = async (provider: string): Promise<void> => {
    await request(server.url).delete('/initdb/').agent(writer).expect(200);
    await request(server.url)
      .post('/initdb/')
      .agent(writer)
      .set('Content-Type', 'application/json')
      .send(documentNamed(provider))
      .expect(200);
  };

  /** Access lines of `pattern` written by each worker since `from` (read through a pipe). */
  const workersLogging = (from: number, pattern: RegExp): Set<string> =>
    new Set(
      [
        ...server
          .stderr()
          .slice(from)
          .matchAll(new RegExp(`\\[worker (\\d+)\\] .*${pattern.source}`, 'g')),
      ].map((match) => match[1]!),
    );

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'automx2-broadcast-'));
    server = await startServerProcess({
      workers: '2',
      db_uri: `sqlite:///${join(dir, 'automx2.sqlite')}`,
      cache_ttl: CACHE_TTL_SECONDS,
      loglevel: 'INFO',
    });
  }, 60_000);

  afterAll(async () => {
    writer.destroy();
    await server?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sees one worker's change on the other within 1 s", async () => {
    await reseedThroughOneWorker('Provider One');
    const primed = server.stderr().length;
    expect(await showsOnEveryWorker('Provider One')).toBe(true);
    await seenWithin(10_000, Date.now(), () =>
      Promise.resolve(workersLogging(primed, /GET \/mail\/config-v1\.1\.xml 200/).size === 2),
    );

    const written = server.stderr().length;
    await reseedThroughOneWorker('Provider Two');
    const changed = Date.now();
    expect(
      await seenWithin(SEEN_WITHIN_MS, changed, () => showsOnEveryWorker('Provider Two')),
    ).toBeLessThanOrEqual(SEEN_WITHIN_MS);
    // Both writes were made by one worker: the other one was told.
    await seenWithin(10_000, Date.now(), () =>
      Promise.resolve(workersLogging(written, /POST \/initdb 200/).size === 1),
    );
    expect(workersLogging(written, /(POST|DELETE) \/initdb 200/).size).toBe(1);
  });
});

/**
 * MySQL/MariaDB and SQLite: no listener is attempted (nothing logged, no gauge), the
 * process that made a change answers with it at once, and another process sees it when
 * its cache entry expires (cache_ttl), as documented. In-process applications: two on
 * one database, each with caches of its own.
 */
describe.each<Dialect>(['sqlite-file', 'mysql'])('on %s', (dialect) => {
  describeDialect(dialect)('without change notifications', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    let home: string;
    const log: string[] = [];

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'automx2-broadcast-'));
      db = await createTestDatabase(dialect);
      const start = () =>
        startTestApp({
          dbUri: db.dbUri,
          logLines: log,
          config: {
            loglevel: 'DEBUG',
            settingsCache: { ...testConfig().settingsCache, ttlMs: 3_600_000 },
          },
        });
      a = await start();
      b = await start();
    });

    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await db?.drop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('changes are answered at once where made; nothing is broadcast, nothing breaks', async () => {
      await reseed(a.url, 'Provider One');
      expect(await shows(b.url, 'Provider One')).toBe(true);
      await reseed(a.url, 'Provider Two');
      expect(await shows(a.url, 'Provider Two')).toBe(true);
      await sleep(500);
      expect(await shows(b.url, 'Provider One')).toBe(true);

      const file = join(home, 'merge.json');
      writeFileSync(file, documentNamed('Provider Three'));
      const result = await cli(db.dbUri, ['import', '--merge', file], home);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(await shows(a.url, 'Provider Two')).toBe(true);

      for (const app of [a, b]) expect(await metric(app.url, LISTENER_UP)).toBeUndefined();
      expect(log.filter((line) => line.includes('ChangeBroadcast'))).toEqual([]);
      expect(log.filter((line) => / (WARNING|ERROR|CRITICAL) /.test(line))).toEqual([]);
    });
  });
});
