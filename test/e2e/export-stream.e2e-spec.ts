import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { get as httpGet, type ClientRequest, type IncomingMessage } from 'node:http';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { createToken } from '../../src/admin/auth/token-file';
import { BulkService } from '../../src/admin/bulk/bulk.service';
import { exportDocumentStream } from '../../src/cli/export-stream';
import { DomainError } from '../../src/common/domain-error';
import { parseDbUri } from '../../src/config/db-uri';
import { DataChanges } from '../../src/database/data-changes';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseConnection } from '../../src/database/database-connection.service';
import { ExportRepository } from '../../src/database/export.repository';
import { SeedRepository } from '../../src/database/seed.repository';
import { sharedSqlite, sqliteWriteTransaction } from '../../src/database/sqlite-writes';
import { samplePlan } from '../../src/initdb/sample-data';
import { planFromDocument } from '../../src/provisioning/seed-document';
import { richDataStatements } from '../clients/rich-data';
import { firstPassOnly } from '../support/adapter-pass';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, ensureBuilt } from '../support/dist';
import { referenceExport } from '../support/export-reference';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp } from '../support/test-app';
import { BEYOND_GENERATED_IDS, generatedDomainStatements } from '../support/generated-domains';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';

/**
 * The streamed export (`automx2-nest export`, BulkService for `GET /admin/api/v1/export`)
 * on real databases: the bytes equal the reference serialisation of the whole database
 * read at once (test/support/export-reference.ts) for sample, example, rich and 20,000
 * generated domains; the stream reads one snapshot; a stream ended early (an HTTP client
 * that hangs up too) or failing half-way releases its read; the CLI keeps an earlier
 * file when the read fails; in-memory SQLite reads committed rows only; BulkService
 * imports as `automx2-nest import --merge | --replace` does; and the CLI's memory stays
 * flat at 200,000 domains.
 */

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let home: string;
let emptyConf: string;

/** Runs the CLI (dist/cli.js) with only the database given; `node` options before it. */
function cli(
  dbUri: string,
  args: readonly string[],
  options: { stdin?: string; nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AUTOMX2_CONF: emptyConf,
    AUTOMX2_DB_URI: dbUri,
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), DIST_CLI, ...args], {
    cwd: home,
    env,
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr }),
    );
  });
}

async function ok(pending: Promise<Finished>): Promise<string> {
  const result = await pending;
  if (result.code !== 0) {
    throw new Error(`exit ${String(result.code)}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** A database of the test's own with the repositories the export and import use. */
interface Database {
  readonly db: TestDatabase;
  readonly dataSource: DataSource;
  readonly seeds: SeedRepository;
  readonly exports: ExportRepository;
  readonly bulk: BulkService;
  /** Deletes every row, then runs the statements. */
  readonly replaceWithSql: (statements: readonly string[]) => Promise<void>;
  readonly close: () => Promise<void>;
}

async function openDatabase(dialect: Dialect): Promise<Database> {
  const db = await createTestDatabase(dialect);
  const dataSource = new DataSource(dataSourceOptions(parseDbUri(db.dbUri), false));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const connection = new DatabaseConnection(dataSource);
  const seeds = new SeedRepository(connection, new DataChanges());
  const exports = new ExportRepository(connection);
  return {
    db,
    dataSource,
    seeds,
    exports,
    bulk: new BulkService(seeds, exports),
    replaceWithSql: async (statements) => {
      await seeds.purge();
      for (const statement of statements) await dataSource.query(statement);
    },
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

/** Every byte of a stream, and how many chunks brought them. */
async function drain(stream: Readable): Promise<{ text: string; chunks: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new Error(`a chunk that is no Buffer: ${typeof chunk}`);
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), chunks: chunks.length };
}

/** The first chunk of a stream; the stream is paused after it. */
function firstChunk(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('data', (chunk: Buffer) => {
      stream.pause();
      resolve(chunk);
    });
  });
}

function destroyed(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.destroy();
  });
}

/** Equal texts; on a difference, where it is (the texts may be megabytes long). */
function expectSameText(actual: string, expected: string): void {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at += 1;
  expect({
    at,
    lengths: [actual.length, expected.length],
    actual: actual.slice(Math.max(0, at - 80), at + 80),
  }).toEqual({
    at: -1,
    lengths: [expected.length, expected.length],
    expected: expected.slice(Math.max(0, at - 80), at + 80),
  });
}

/**
 * Whether a writer can take a table lock on `provider` at once, i.e. no transaction of
 * another session holds a lock on it (a read transaction that has read it does):
 * PostgreSQL LOCK ... NOWAIT; MySQL/MariaDB LOCK TABLES ... WRITE, which waits for the
 * metadata lock of an open transaction (1 s at most here); SQLite (WAL): a checkpoint
 * that truncates the log cannot finish while a reader holds an older snapshot (after a
 * write, so that the log has frames the reader must not lose).
 */
async function providerLockFree(database: Database): Promise<boolean> {
  const { db } = database;
  try {
    switch (db.dialect) {
      case 'postgres':
        await db.sql('BEGIN; LOCK TABLE provider IN ACCESS EXCLUSIVE MODE NOWAIT; ROLLBACK');
        return true;
      case 'mysql':
        await db.sql(
          'SET SESSION lock_wait_timeout = 1; LOCK TABLES provider WRITE; UNLOCK TABLES',
        );
        return true;
      case 'sqlite-file':
      case 'sqlite-memory': {
        const Sqlite = (await import('better-sqlite3')).default;
        const file = parseDbUri(db.dbUri);
        if (file.type !== 'sqlite') throw new Error('not SQLite');
        const probe = new Sqlite(file.database, { timeout: 0 });
        try {
          probe.exec('CREATE TABLE export_probe (x INTEGER); DROP TABLE export_probe');
          const [result] = probe.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
          return result?.busy === 0;
        } finally {
          probe.close();
        }
      }
    }
  } catch (error) {
    // PostgreSQL: could not obtain lock; MySQL: Lock wait timeout exceeded.
    if (/lock/i.test(String((error as Error).message))) return false;
    throw error;
  }
}

/** A GET whose answer is left unread after its first chunk. */
function startDownload(
  url: string,
  token: string,
): Promise<{ request: ClientRequest; response: IncomingMessage; first: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { Authorization: `Bearer ${token}` } }, (response) => {
      response.once('data', (first: Buffer) => {
        response.pause();
        resolve({ request, response, first });
      });
      response.once('error', reject);
    });
    request.once('error', reject);
  });
}

/** Waits until `check` holds; fails after `guardMs` (a guard against hanging). */
async function eventually(check: () => Promise<boolean>, guardMs: number): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${guardMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rows that refer to a domain that does not exist (foreign keys off while inserting). */
function brokenLinkStatement(dialect: Dialect): string {
  const insert =
    'INSERT INTO server (id, prio, name, port, type, socket_type, user_name, authentication) ' +
    `VALUES (${BEYOND_GENERATED_IDS}, 10, 'broken.example', 993, 'imap', 'SSL', 'u', 'plain'); ` +
    `INSERT INTO server_domain (server_id, domain_id) VALUES (${BEYOND_GENERATED_IDS}, 999999999)`;
  switch (dialect) {
    case 'postgres':
      return `SET session_replication_role = replica; ${insert}`;
    case 'mysql':
      return `SET FOREIGN_KEY_CHECKS = 0; ${insert}`;
    case 'sqlite-file':
    case 'sqlite-memory':
      return `PRAGMA foreign_keys = OFF; ${insert}`;
  }
}

function removeBrokenLinkStatement(dialect: Dialect): string {
  const remove =
    `DELETE FROM server_domain WHERE server_id = ${BEYOND_GENERATED_IDS}; ` +
    `DELETE FROM server WHERE id = ${BEYOND_GENERATED_IDS}`;
  return dialect === 'postgres' ? `SET session_replication_role = replica; ${remove}` : remove;
}

const LDAP_SAMPLE = {
  hostname: 'ldap.example.com',
  port: 636,
  searchBase: 'dc=example,dc=com',
  bindUser: 'cn=reader,dc=example,dc=com',
  bindPassword: 'bind "secret" ü',
};

const SECRETS_WARNING =
  'warning: the export contains LDAP bind credentials (bind_user, bind_password): ' +
  'keep it as secret as the database\n';

/** The CLI needs no HTTP adapter: the Express pass of `npm test` would only repeat it. */
const describeOnce = firstPassOnly();

beforeAll(() => {
  if (process.env.TEST_HTTP_ADAPTER === 'express') return;
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'automx2-export-'));
  emptyConf = emptyConfigFile(home);
}, 200_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describeOnce.each(ENGINE_DIALECTS)('streamed export on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    let database: Database;

    beforeAll(async () => {
      database = await openDatabase(dialect);
    });

    afterAll(async () => {
      await database?.close();
    });

    const streamed = () => drain(exportDocumentStream(database.exports));

    it('an empty database: the reference bytes', async () => {
      await database.seeds.purge();
      const { text } = await streamed();
      expectSameText(text, await referenceExport(database.dataSource));
      expect(JSON.parse(text)).toMatchObject({ providers: [], domains: [], davservers: [] });
    });

    it('the sample data of GET /initdb/ (with an LDAP server): the reference bytes', async () => {
      await database.seeds.replaceAll(samplePlan(LDAP_SAMPLE));
      const { text } = await streamed();
      expectSameText(text, await referenceExport(database.dataSource));
      expect(text).toContain('"bind_password": "bind \\"secret\\" ü"');
    });

    it('seed-example.json: the reference bytes', async () => {
      await database.seeds.replaceAll(planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)));
      const { text } = await streamed();
      expectSameText(text, await referenceExport(database.dataSource));
      expect(text).toContain('"bücher.example"');
    });

    it('rich data (rows written with SQL, legacy values): the reference bytes', async () => {
      await database.replaceWithSql(richDataStatements());
      const { text } = await streamed();
      expectSameText(text, await referenceExport(database.dataSource));
      expect((JSON.parse(text) as { domains: unknown[] }).domains.length).toBeGreaterThan(5);
    });

    describe('20,000 generated domains', () => {
      const COUNT = 20_000;
      let reference: string;

      beforeAll(async () => {
        await database.replaceWithSql(generatedDomainStatements(COUNT));
        reference = await referenceExport(database.dataSource);
      }, 120_000);

      it('the stream, BulkService and the CLI write the reference bytes, in many chunks', async () => {
        const { text, chunks } = await streamed();
        expectSameText(text, reference);
        expect(chunks).toBeGreaterThan(20);
        const document = JSON.parse(text) as { domains: unknown[]; servers: unknown[] };
        expect(document.domains).toHaveLength(COUNT);
        expect(document.servers).toHaveLength(COUNT / 100 + 3);

        expectSameText((await drain(database.bulk.exportDocument())).text, reference);
        const fromCli = await cli(database.db.dbUri, ['export']);
        expect(fromCli).toMatchObject({ code: 0, stderr: SECRETS_WARNING });
        expectSameText(fromCli.stdout, reference);
      }, 120_000);

      it('a stream destroyed after its first chunk ends its read: a writer is not held up', async () => {
        const stream = exportDocumentStream(database.exports);
        const chunk = await firstChunk(stream);
        expect(reference.startsWith(chunk.toString('utf8'))).toBe(true);
        // While the stream is open, its read holds the tables it has read ...
        expect(await providerLockFree(database)).toBe(false);
        await destroyed(stream);
        // ... and once it is destroyed, nothing does.
        expect(await providerLockFree(database)).toBe(true);
      });

      it('more streams ended early than the pool has connections, then a whole export', async () => {
        for (let i = 0; i < 12; i += 1) {
          const stream = exportDocumentStream(database.exports);
          await firstChunk(stream);
          await destroyed(stream);
        }
        expectSameText((await streamed()).text, reference);
        expect(await providerLockFree(database)).toBe(true);
      }, 120_000);

      it('a read failing half-way destroys the stream and ends its read; the CLI keeps the file', async () => {
        await database.db.sql(brokenLinkStatement(dialect));
        try {
          const stream = exportDocumentStream(database.exports);
          let received = 0;
          stream.on('data', (chunk: Buffer) => (received += chunk.length));
          await expect(drain(stream)).rejects.toThrow(
            'the database refers to a missing domain 999999999',
          );
          expect(received).toBeGreaterThan(100_000);
          expect(stream.destroyed).toBe(true);
          expect(await providerLockFree(database)).toBe(true);

          const dir = join(home, `keep-${dialect}`);
          mkdirSync(dir);
          const file = join(dir, 'export.json');
          writeFileSync(file, 'an earlier export\n');
          chmodSync(file, 0o640);
          const failed = await cli(database.db.dbUri, ['export', file]);
          expect(failed).toMatchObject({
            code: 1,
            stdout: '',
            stderr: 'error: the database refers to a missing domain 999999999\n',
          });
          expect(readFileSync(file, 'utf8')).toBe('an earlier export\n');
          expect(readdirSync(dir)).toEqual(['export.json']);

          const toStdout = await cli(database.db.dbUri, ['export']);
          expect(toStdout.code).toBe(1);
          expect(toStdout.stderr).toBe(
            'error: the database refers to a missing domain 999999999\n',
          );
          expect(reference.startsWith(toStdout.stdout.slice(0, 1000))).toBe(true);
          expect(toStdout.stdout.length).toBeLessThan(reference.length);
        } finally {
          await database.db.sql(removeBrokenLinkStatement(dialect));
        }
        const file = join(home, `keep-${dialect}`, 'export.json');
        const written = await cli(database.db.dbUri, ['export', file]);
        expect(written).toMatchObject({
          code: 0,
          stdout: '',
          stderr: `${SECRETS_WARNING}exported ${COUNT} domains of 3 providers to ${file}\n`,
        });
        expectSameText(readFileSync(file, 'utf8'), reference);
        expect(statSync(file).mode & 0o777).toBe(0o640);
        expect(readdirSync(join(home, `keep-${dialect}`))).toEqual(['export.json']);
      }, 120_000);

      // Last: it replaces the generated rows.
      it('one snapshot: a writer commits while the stream is read, and the stream does not see it', async () => {
        const chunks = exportDocumentStream(database.exports)[Symbol.asyncIterator]();
        const first = (await chunks.next()) as IteratorResult<Buffer>;
        await database.seeds.replaceAll(planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)));
        const rest: Buffer[] = [first.value as Buffer];
        for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
          rest.push(next.value as Buffer);
        }
        expectSameText(Buffer.concat(rest).toString('utf8'), reference);
        expect((await streamed()).text).toContain('"bücher.example"');
      }, 120_000);
    });
  });
});

describeOnce('streamed export on sqlite-memory', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase('sqlite-memory');
  });

  afterAll(async () => {
    await database?.close();
  });

  it('the reference bytes (sample data, then 2,000 generated domains)', async () => {
    await database.seeds.replaceAll(samplePlan(LDAP_SAMPLE));
    expectSameText(
      (await drain(exportDocumentStream(database.exports))).text,
      await referenceExport(database.dataSource),
    );
    await database.replaceWithSql(generatedDomainStatements(2_000));
    expectSameText(
      (await drain(exportDocumentStream(database.exports))).text,
      await referenceExport(database.dataSource),
    );
  });

  it('waits for a transaction open on the shared connection and reads what it left', async () => {
    const before = await referenceExport(database.dataSource);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const writing = sqliteWriteTransaction(database.dataSource, async (runner) => {
      await runner.query("INSERT INTO provider (name, short_name) VALUES ('Uncommitted', 'U')");
      await released;
      throw new Error('rolled back');
    });
    while (!sharedSqlite(database.dataSource).inTransaction) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    let finished = false;
    const exporting = drain(exportDocumentStream(database.exports)).finally(() => {
      finished = true;
    });
    // Time for a stream that did not wait to read the uncommitted row.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(finished).toBe(false);
    release();
    await expect(writing).rejects.toThrow('rolled back');
    expectSameText((await exporting).text, before);
  });

  it('reads a copy: a writer need not wait for a stream being read', async () => {
    const before = await referenceExport(database.dataSource);
    const chunks = exportDocumentStream(database.exports)[Symbol.asyncIterator]();
    const rest: Buffer[] = [((await chunks.next()) as IteratorResult<Buffer>).value as Buffer];
    await database.seeds.replaceAll(planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)));
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
      rest.push(next.value as Buffer);
    }
    expectSameText(Buffer.concat(rest).toString('utf8'), before);
  });
});

describeOnce('streamed export without a reachable database', () => {
  it('fails before its first byte with the 503 domain error', async () => {
    const dataSource = new DataSource(
      dataSourceOptions(parseDbUri('postgresql://postgres@127.0.0.1:1/none'), false),
    );
    const exports = new ExportRepository(new DatabaseConnection(dataSource));
    const stream = exportDocumentStream(exports);
    let received = 0;
    stream.on('data', (chunk: Buffer) => (received += chunk.length));
    await expect(drain(stream)).rejects.toMatchObject({
      constructor: DomainError,
      code: 'BACKEND_UNAVAILABLE',
    });
    expect(received).toBe(0);
  });
});

describeOnce.each(ENGINE_DIALECTS)('BulkService.importDocument on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    /** Domains of the generated export document that is imported (merges take time). */
    const GENERATED = 400;
    /** Written by BulkService. */
    let viaService: Database;
    /** Written by `automx2-nest import`. */
    let viaCli: Database;
    let bigExport: string;

    beforeAll(async () => {
      const source = await openDatabase(dialect);
      try {
        [viaService, viaCli] = await Promise.all([openDatabase(dialect), openDatabase(dialect)]);
        // (Not the rich data: its legacy ports are refused by every import.)
        await source.replaceWithSql(generatedDomainStatements(GENERATED));
        bigExport = (await drain(exportDocumentStream(source.exports))).text;
      } finally {
        await source.close();
      }
      const start = planFromDocument(JSON.parse(SEED_EXAMPLE_JSON));
      await Promise.all([viaService.seeds.replaceAll(start), viaCli.seeds.replaceAll(start)]);
    }, 120_000);

    afterAll(async () => {
      await viaService?.close();
      await viaCli?.close();
    });

    const exportOf = async (database: Database) =>
      (await drain(exportDocumentStream(database.exports))).text;

    const documentFile = (name: string, text: string) => {
      const path = join(home, `${dialect}-${name}`);
      writeFileSync(path, text);
      return path;
    };

    /** Counts of `import --merge` output lines, as BulkService reports them. */
    const cliMergeCounts = (output: string) => {
      const lines = output.split('\n').filter((line) => line !== '');
      const removed = (what: string) =>
        Number(
          lines
            .find((line) => line.endsWith(`no longer used by any domain`) && line.includes(what))
            ?.match(/^deleted (\d+)/)?.[1] ?? 0,
        );
      return {
        added: lines.filter((line) => line.startsWith('added domain ')).length,
        replaced: lines.filter((line) => line.startsWith('replaced domain ')).length,
        merged_away: lines.filter((line) => line.includes('(another spelling')).length,
        removed: {
          servers: removed(' server'),
          davservers: removed(' DAV server'),
          ldapservers: removed(' LDAP server'),
          providers: removed(' provider'),
        },
      };
    };

    const SEED_V2_MERGE = JSON.stringify({
      version: 2,
      provider: 'New Provider Ltd',
      domains: [{ name: 'EXAMPLE.org' }, { name: 'new.example' }],
      servers: [
        { type: 'imap', name: 'imap.new.example' },
        { type: 'smtp', name: 'smtp.example.com' },
      ],
    });

    it('merge and replace give the database `import --merge` / `--replace` gives', async () => {
      const steps: [string, 'merge' | 'replace', string][] = [
        ['seed-v2', 'merge', SEED_V2_MERGE],
        ['big-export', 'merge', bigExport],
        ['big-export-again', 'merge', bigExport],
        ['seed-example', 'replace', SEED_EXAMPLE_JSON],
        ['big-export', 'replace', bigExport],
        ['seed-v2-after', 'merge', SEED_V2_MERGE],
      ];
      for (const [name, mode, text] of steps) {
        const summary = await viaService.bulk.importDocument(Buffer.from(text, 'utf8'), mode);
        const output = await ok(
          cli(viaCli.db.dbUri, ['import', `--${mode}`, documentFile(`${name}.json`, text)]),
        );
        const kind = text.includes('"format"') ? 'export' : 'seed-v2';
        if (mode === 'merge') {
          expect(summary).toEqual({ mode, kind, ...cliMergeCounts(output) });
        } else {
          const counts = output.match(
            /: (\d+) providers?, (\d+) domains?, (\d+) servers?, (\d+) DAV servers?, (\d+) LDAP servers?\n$/,
          );
          expect(summary).toEqual({
            mode,
            kind,
            providers: Number(counts?.[1]),
            domains: Number(counts?.[2]),
            servers: Number(counts?.[3]),
            davservers: Number(counts?.[4]),
            ldapservers: Number(counts?.[5]),
          });
        }
        const [a, b] = await Promise.all([exportOf(viaService), exportOf(viaCli)]);
        expect({ step: name, hash: sha256(a) }).toEqual({ step: name, hash: sha256(b) });
      }
      // The steps did change something: the last merge added a domain to the big export.
      const document = JSON.parse(await exportOf(viaService)) as { domains: unknown[] };
      expect(document.domains.length).toBeGreaterThan(GENERATED);
    }, 300_000);

    it('a refused document: every problem as the CLI names it, nothing written', async () => {
      const before = await exportOf(viaService);
      const bad = JSON.stringify({
        version: 2,
        format: 'automx2-nest-export',
        export_version: 1,
        providers: [{ id: 1, name: 'P', short_name: 'P' }],
        domains: [{ name: 'bad.example', provider_id: 1, ldapserver_id: null }],
        servers: [
          {
            type: 'imap',
            name: 'imap.bad.example',
            port: '143',
            socket_type: 'STARTTLS',
            user_name: '%EMAILADDRESS%',
            authentication: 'plain',
            prio: 10,
            domains: ['bad.example', 'other.example'],
          },
        ],
      });
      for (const [name, bytes] of [
        ['bad-export.json', Buffer.from(bad, 'utf8')],
        ['bom.json', Buffer.from(`\ufeff${SEED_V2_MERGE}`, 'utf8')],
        ['not-json.json', Buffer.from('{"version": 2,', 'utf8')],
      ] as const) {
        const path = documentFile(name, bytes.toString('utf8'));
        const refused = await cli(viaCli.db.dbUri, ['import', '--merge', path]);
        expect(refused.code).toBe(1);
        const cliProblems = refused.stderr
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => line.replace(`error: ${path}: invalid: `, ''));
        for (const mode of ['merge', 'replace'] as const) {
          const error = await viaService.bulk.importDocument(bytes, mode).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DomainError);
          expect(error).toMatchObject({ code: 'INVALID_SEED' });
          expect((error as Error).message.split('\n')).toEqual(cliProblems);
        }
      }
      const notUtf8 = Buffer.concat([
        Buffer.from('{"version": 2, "provider": "B'),
        Buffer.from([0xfc, 0x22, 0x7d]),
      ]);
      await expect(viaService.bulk.importDocument(notUtf8, 'replace')).rejects.toMatchObject({
        code: 'INVALID_SEED',
        message: 'document: not valid UTF-8',
      });
      expect(await exportOf(viaService)).toBe(before);
    }, 120_000);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describeOnce.each(ENGINE_DIALECTS)('200,000 domains on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const COUNT = 200_000;
    const MiB = 1024 * 1024;
    let small: Database;
    let large: Database;
    let preload: string;

    beforeAll(async () => {
      [small, large] = await Promise.all([openDatabase(dialect), openDatabase(dialect)]);
      await small.replaceWithSql(generatedDomainStatements(100));
      await large.replaceWithSql(generatedDomainStatements(COUNT));
      // Written by the CLI process as it exits: its peak resident set size (bytes). VmHWM,
      // not getrusage's maxRSS, which counts the forking parent's (the Jest worker's) too.
      preload = join(home, 'report-peak-rss.js');
      writeFileSync(
        preload,
        "const fs = require('fs');\n" +
          "process.on('exit', () => fs.writeFileSync(process.env.PEAK_RSS_FILE, String(1024 * " +
          "Number(/VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]))));\n",
      );
    }, 300_000);

    afterAll(async () => {
      await small?.close();
      await large?.close();
    });

    /** Exports to a file; the file's size and the process's peak RSS. */
    const measuredExport = async (database: Database, name: string) => {
      const file = join(home, `${dialect}-${name}.json`);
      const rssFile = join(home, `${dialect}-${name}.rss`);
      await ok(
        cli(database.db.dbUri, ['export', file], {
          nodeArgs: ['--require', preload],
          env: { PEAK_RSS_FILE: rssFile },
        }),
      );
      return { file, bytes: statSync(file).size, peak: Number(readFileSync(rssFile, 'utf8')) };
    };

    it('`automx2-nest export`: peak RSS grows by far less than the document needs', async () => {
      const few = await measuredExport(small, 'small');
      const many = await measuredExport(large, 'large');
      process.stderr.write(
        `export memory on ${dialect}: ${(few.peak / MiB).toFixed(0)} MiB for 100 domains, ` +
          `${(many.peak / MiB).toFixed(0)} MiB for ${COUNT} domains ` +
          `(document: ${(many.bytes / MiB).toFixed(0)} MiB)\n`,
      );
      expect(many.bytes).toBeGreaterThan(30 * MiB);
      // Measured on SQLite: +42 MiB streamed, the same at 400,000 domains (garbage not yet
      // collected, caches), against +400 MiB when the database was read whole.
      expect(many.peak - few.peak).toBeLessThan(128 * MiB);
      // The document is complete (the stream's bytes are checked against the reference above).
      const document = JSON.parse(readFileSync(many.file, 'utf8')) as { domains: unknown[] };
      expect(document.domains).toHaveLength(COUNT);
    }, 600_000);

    // A document larger than what socket buffers hold, so that an unread answer waits.
    it.each(['fastify', 'express'] as const)(
      'GET /admin/api/v1/export (%s): a client that hangs up half-way ends the read',
      async (adapter) => {
        const tokensFile = join(home, `tokens-${dialect}-${adapter}`);
        const token = await createToken(tokensFile, 'ops');
        const app = await startTestApp({
          dbUri: large.db.dbUri,
          adapter,
          config: { admin: { tokensFile, importLimit: MiB, authFailures: 1000 } },
        });
        try {
          const { request, response, first } = await startDownload(
            `${app.url}/admin/api/v1/export`,
            token,
          );
          expect(response.statusCode).toBe(200);
          expect(first.toString('utf8')).toMatch(/^\{\n {2}"version": 2,\n/);
          // Unread, the answer waits on the socket: the read is still open ...
          expect(await providerLockFree(large)).toBe(false);
          request.destroy();
          // ... and ends soon after the client hangs up (a hang guard, not a time limit).
          await eventually(() => providerLockFree(large), 30_000);
        } finally {
          await app.close();
        }
      },
      60_000,
    );
  });
});
