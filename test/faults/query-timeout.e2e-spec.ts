import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDbUri } from '../../src/config/db-uri';
import { dataSourceOptions, QUERY_TIMEOUT_MS } from '../../src/database/data-source-options';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  MYSQL_ADMIN,
  POSTGRES_ADMIN,
  type TestDatabase,
} from '../support/test-databases';
import { firstPassOnly } from '../support/adapter-pass';

/** Adapter-independent: the Express re-run of `npm test` skips it. */
const once = firstPassOnly;

/**
 * A stuck database (issue 7, items 1 and 4): a table locked by another session makes
 * the application's statements wait; each dialect's statement timeout turns the wait
 * into a 503 with Retry-After within a few seconds, and the next request after the lock
 * is gone is answered normally. SQLite (WAL) never blocks readers, so there the lock
 * wait of a write (/initdb/) is what is bounded.
 */

const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=someone%40example.org';
/** Generous: the timeout plus scheduling on a loaded machine, far below a hang. */
const BOUND_MS = QUERY_TIMEOUT_MS + 4000;

const databaseName = (db: TestDatabase) =>
  new URL(db.dbUri.replace(/^[^:]+:/, 'http:')).pathname.slice(1);

async function seeded(db: TestDatabase): Promise<TestApp> {
  const app = await startTestApp({ dbUri: db.dbUri });
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url)
    .post('/initdb/')
    .set('Content-Type', 'application/json')
    .send(SEED_EXAMPLE_JSON)
    .expect(200);
  return app;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

once(describeDialect('postgres'))('statement timeout on PostgreSQL', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    app = await seeded(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a request blocked by a table lock gets 503 with Retry-After, then recovers', async () => {
    const locker = new Client({ ...POSTGRES_ADMIN, database: databaseName(db) });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE domain IN ACCESS EXCLUSIVE MODE');
      const { result, ms } = await timed(() => request(app.url).get(AUTOCONFIG));
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 500);
      expect(ms).toBeLessThan(BOUND_MS);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    await request(app.url).get(AUTOCONFIG).expect(200);
  });

  it("the application's DataSource cancels SELECT pg_sleep(10)", async () => {
    const dataSource = new DataSource(dataSourceOptions(parseDbUri(db.dbUri), false));
    await dataSource.initialize();
    try {
      const started = Date.now();
      await expect(dataSource.query('SELECT pg_sleep(10)')).rejects.toThrow(/statement timeout/);
      expect(Date.now() - started).toBeLessThan(BOUND_MS);
    } finally {
      await dataSource.destroy();
    }
  });
});

once(describeDialect('mysql'))('query timeout on MariaDB/MySQL', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    app = await seeded(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a request blocked by LOCK TABLES gets 503 with Retry-After, then recovers', async () => {
    const locker = await createConnection({ ...MYSQL_ADMIN, database: databaseName(db) });
    try {
      await locker.query('LOCK TABLES domain WRITE');
      const { result, ms } = await timed(() => request(app.url).get(AUTOCONFIG));
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 500);
      expect(ms).toBeLessThan(BOUND_MS);
      await locker.query('UNLOCK TABLES');
    } finally {
      await locker.end();
    }
    await request(app.url).get(AUTOCONFIG).expect(200);
  });
});

once(describe)('lock wait on SQLite', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite-file');
    app = await seeded(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a purge blocked by another writer gets 503 and leaves the data alone; reads go on', async () => {
    const Database = (await import('better-sqlite3')).default;
    const writer = new Database(db.dbUri.slice('sqlite:///'.length));
    try {
      writer.exec('BEGIN IMMEDIATE');
      // WAL: readers are not blocked by the writer.
      await request(app.url).get(AUTOCONFIG).expect(200);
      const { result, ms } = await timed(() => request(app.url).delete('/initdb/'));
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(BOUND_MS);
      writer.exec('ROLLBACK');
    } finally {
      writer.close();
    }
    await request(app.url).get(AUTOCONFIG).expect(200);
  });
});
