import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDbUri, redactDbUri } from '../../src/config/db-uri';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DataChanges } from '../../src/database/data-changes';
import { DatabaseConnection } from '../../src/database/database-connection.service';
import { toBoolean, toInteger, toNullableString, type Row } from '../../src/database/row-values';
import { SeedRepository } from '../../src/database/seed.repository';
import { SAMPLE_HEX } from '../../src/initdb/sample-data';
import { planFromDocument } from '../../src/provisioning/seed-document';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, DIST_MAIN, ensureBuilt, ROOT } from '../support/dist';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp } from '../support/test-app';
import { createTestPki, type TestPki } from '../support/test-pki';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type TestDatabase,
} from '../support/test-databases';
import { firstPassOnly } from '../support/adapter-pass';
import { runNode, type Finished } from '../support/run-node';

/**
 * The operator's CLI as shipped (`node dist/cli.js`, `npx automx2-nest`), spawned against
 * real databases: import/export round trips that reproduce every row, --merge and
 * --replace, refusals that change nothing, and `dns`.
 */

let home: string;
let emptyConf: string;

/** Runs the CLI with only the database given (an empty configuration file). */
function cli(dbUri: string, args: readonly string[], stdin?: string): Promise<Finished> {
  return run(DIST_CLI, args, dbUri, stdin);
}

/** Runs `script` with the configuration file `conf`, and AUTOMX2_DB_URI when given. */
function run(
  script: string,
  args: readonly string[],
  dbUri: string | undefined,
  stdin?: string,
  conf = emptyConf,
): Promise<Finished> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AUTOMX2_CONF: conf,
    ...(dbUri !== undefined && { AUTOMX2_DB_URI: dbUri }),
  };
  return runNode(script, args, { cwd: home, env, stdin: stdin ?? '' });
}

/** Asserts success and returns stdout. */
async function ok(pending: Promise<Finished>): Promise<string> {
  const result = await pending;
  if (result.code !== 0) {
    throw new Error(`exit ${String(result.code)}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** A file in the temporary directory holding `content`. */
function file(name: string, content: string | object): string {
  const path = join(home, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const SEED_FILE = () => file('seed-example.json', SEED_EXAMPLE_JSON);

/** An open connection of the test to one database (setup and row comparisons). */
interface Database {
  readonly db: TestDatabase;
  readonly dataSource: DataSource;
  /** Deletes every row (the CLI under test is not used for this). */
  readonly purge: () => Promise<void>;
  /** Loads seed-example.json directly (setup for the tests that are not about import). */
  readonly seed: () => Promise<void>;
  /** Replaces every row by a seeding document's, directly. */
  readonly load: (document: object) => Promise<void>;
  /** Every row of the seven tables, in id order, ids replaced by row positions. */
  readonly rows: () => Promise<Record<string, unknown[]>>;
}

async function openDatabase(db: TestDatabase): Promise<Database> {
  const dataSource = new DataSource(dataSourceOptions(parseDbUri(db.dbUri), false));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const seeds = new SeedRepository(new DatabaseConnection(dataSource), new DataChanges());
  return {
    db,
    dataSource,
    purge: () => seeds.purge(),
    seed: () => seeds.replaceAll(planFromDocument(JSON.parse(SEED_EXAMPLE_JSON))),
    load: (document) => seeds.replaceAll(planFromDocument(document)),
    rows: () => canonicalRows(dataSource),
  };
}

async function canonicalRows(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const select = (table: string, ...order: string[]) => {
    const query = dataSource.createQueryBuilder().select('*').from(table, 't');
    for (const column of order) query.addOrderBy(`t.${column}`, 'ASC');
    return query.getRawMany<Row>();
  };
  const [providers, ldapServers, domains, servers, davServers, serverLinks, davLinks] =
    await Promise.all([
      select('provider', 'id'),
      select('ldapserver', 'id'),
      select('domain', 'id'),
      select('server', 'id'),
      select('davserver', 'id'),
      select('server_domain', 'server_id', 'domain_id'),
      select('davserver_domain', 'davserver_id', 'domain_id'),
    ]);
  const position = (rows: Row[]) => new Map(rows.map((row, index) => [toInteger(row.id), index]));
  const [provider, ldap, domain, server, dav] = [
    position(providers),
    position(ldapServers),
    position(domains),
    position(servers),
    position(davServers),
  ];
  const at = (map: Map<number, number>, id: unknown) =>
    map.get(toInteger(id)) ?? `missing ${String(id)}`;
  const text = (value: unknown) => toNullableString(value);
  const links = (rows: Row[], ownerColumn: string, owner: Map<number, number>) =>
    rows
      .map((row) => [at(owner, row[ownerColumn]), at(domain, row.domain_id)])
      .sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
  return {
    provider: providers.map((row) => [text(row.name), text(row.short_name)]),
    ldapserver: ldapServers.map((row) => [
      text(row.name),
      toInteger(row.port),
      toBoolean(row.use_ssl),
      text(row.search_base),
      text(row.search_filter),
      text(row.attr_uid),
      text(row.attr_cn),
      text(row.bind_password),
      text(row.bind_user),
    ]),
    domain: domains.map((row) => [
      text(row.name),
      at(provider, row.provider_id),
      row.ldapserver_id == null ? null : at(ldap, row.ldapserver_id),
    ]),
    server: servers.map((row) => [
      toInteger(row.prio),
      text(row.name),
      toInteger(row.port),
      text(row.type),
      text(row.socket_type),
      text(row.user_name),
      text(row.authentication),
    ]),
    davserver: davServers.map((row) => [
      text(row.url),
      toInteger(row.port),
      text(row.type),
      toBoolean(row.use_ssl),
      toBoolean(row.domain_required),
      text(row.user_name),
    ]),
    server_domain: links(serverLinks, 'server_id', server),
    davserver_domain: links(davLinks, 'davserver_id', dav),
  };
}

/**
 * The CLI serves no HTTP: `npm test`'s second e2e pass (TEST_HTTP_ADAPTER=express) would
 * only repeat this suite, so it runs in the default pass alone.
 */
const describeOnce = firstPassOnly();

const EXPORT_HEAD = { version: 2, format: 'automx2-nest-export', export_version: 1 };

beforeAll(() => {
  if (process.env.TEST_HTTP_ADAPTER === 'express') return;
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'automx2-cli-'));
  emptyConf = emptyConfigFile(home);
}, 200_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describeOnce.each(ENGINE_DIALECTS)('automx2-nest CLI on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    let a: Database;
    let b: Database;
    let firstMigrate: string;

    beforeAll(async () => {
      const [dbA, dbB] = await Promise.all([
        createTestDatabase(dialect),
        createTestDatabase(dialect),
      ]);
      // `migrate` on a fresh database, before the test's own connections exist.
      firstMigrate = await ok(cli(dbA.dbUri, ['migrate']));
      [a, b] = await Promise.all([openDatabase(dbA), openDatabase(dbB)]);
    });

    afterAll(async () => {
      for (const database of [a, b]) {
        await database?.dataSource.destroy();
        await database?.db.drop();
      }
    });

    it('migrate applies every migration once, then finds the schema up to date', async () => {
      expect(lines(firstMigrate)).toEqual([
        'applied Automx2Baseline1764100000000',
        'applied LookupIndexes1764100000001',
        'applied MergeIndexes1764100000002',
      ]);
      expect(await ok(cli(a.db.dbUri, ['migrate']))).toBe('schema is up to date\n');
    });

    it('check-config finds the schema missing on an empty database (exit 1), present after migrate', async () => {
      const fresh = await createTestDatabase(dialect);
      // An empty database (for SQLite an empty file: a missing one is reported as such).
      await fresh.sql('SELECT 1');
      try {
        const name = `database ${redactDbUri(fresh.dbUri)}`;
        const empty = await cli(fresh.dbUri, ['check-config']);
        expect(empty).toMatchObject({
          code: 1,
          stdout: `configuration: ${emptyConf}\n`,
          stderr: `${name}: reachable, but database schema missing: run \`automx2-nest migrate\` or GET /initdb/\n`,
        });
        await ok(cli(fresh.dbUri, ['migrate']));
        expect(lines(await ok(cli(fresh.dbUri, ['check-config'])))).toEqual([
          `configuration: ${emptyConf}`,
          `${name}: reachable, schema present`,
        ]);
      } finally {
        await fresh.drop();
      }
    });

    it('seed-example.json → export → import into an empty database → export: identical', async () => {
      await Promise.all([a.purge(), b.purge()]);
      const imported = await cli(a.db.dbUri, ['import', SEED_FILE()]);
      expect(imported).toMatchObject({ code: 0, stderr: '' });
      expect(imported.stdout).toBe(
        'imported seeding document (version 2): 1 provider, 3 domains, 5 servers, 2 DAV servers, 0 LDAP servers\n',
      );
      const first = await cli(a.db.dbUri, ['export']);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const document = JSON.parse(first.stdout) as Record<string, unknown>;
      expect(document).toMatchObject(EXPORT_HEAD);
      expect(document.servers).toContainEqual({
        type: 'smtp',
        name: 'submission.example.com',
        port: 587,
        socket_type: 'STARTTLS',
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: 5,
        domains: ['example.com', 'example.org', 'bücher.example'],
      });

      const exported = file('first-export.json', first.stdout);
      expect(await ok(cli(b.db.dbUri, ['import', exported]))).toBe(
        'imported export document: 1 provider, 3 domains, 5 servers, 2 DAV servers, 0 LDAP servers\n',
      );
      const second = join(home, 'second-export.json');
      const written = await cli(b.db.dbUri, ['export', second]);
      expect(written).toMatchObject({ code: 0, stdout: '' });
      expect(written.stderr).toBe(`exported 3 domains of 1 providers to ${second}\n`);
      expect(statSync(second).mode & 0o777).toBe(0o600);
      expect(readFileSync(second, 'utf8')).toBe(first.stdout);
      expect(await b.rows()).toEqual(await a.rows());
    });

    it('the sample data of GET /initdb/ (with an LDAP server) → export → import: every row', async () => {
      await Promise.all([a.purge(), b.purge()]);
      const app = await startTestApp({
        dbUri: a.db.dbUri,
        env: {
          LDAP_HOSTNAME: 'ldap.example.com',
          LDAP_BIND_USER: 'cn=reader,dc=example,dc=com',
          LDAP_BIND_PASSWORD: 'bind secret',
        },
      });
      try {
        await request(app.url).get('/initdb/').expect(200);
      } finally {
        await app.close();
      }
      const exported = await cli(a.db.dbUri, ['export']);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toBe(
        'warning: the export contains LDAP bind credentials (bind_user, bind_password): keep it as secret as the database\n',
      );
      const document = JSON.parse(exported.stdout) as Record<string, unknown[]>;
      expect(document.providers).toHaveLength(3);
      expect(document.ldapservers).toEqual([
        expect.objectContaining({ id: 1, bind_password: 'bind secret', attr_cn: 'cn' }),
      ]);
      expect(document.servers).toContainEqual(
        expect.objectContaining({ type: 'INVALID', port: 123, domains: ['ham-n-eggs.tld'] }),
      );
      expect(document.davservers).toContainEqual(
        expect.objectContaining({ type: 'carddav', user_name: null, use_ssl: false }),
      );
      const [, dns] = await Promise.all([
        ok(cli(b.db.dbUri, ['import', '-'], exported.stdout)),
        ok(cli(a.db.dbUri, ['dns', 'example.com'])),
      ]);
      expect(await b.rows()).toEqual(await a.rows());
      expect(lines(dns)).toEqual([
        '; DNS records for example.com (provider "Big Corporation, Inc."), from the automx2-nest database',
        '; Mail services, RFC 6186 and RFC 8314 (target "." = not offered)',
        '_imaps._tcp.example.com. 3600 IN SRV 0 0 0 .',
        `_imap._tcp.example.com. 3600 IN SRV 10 1 143 imap1.${SAMPLE_HEX}.com.`,
        '_pop3s._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '_pop3._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '_submissions._tcp.example.com. 3600 IN SRV 0 0 0 .',
        `_submission._tcp.example.com. 3600 IN SRV 10 1 587 primary-smtp.${SAMPLE_HEX}.com.`,
        '; CalDAV and CardDAV, RFC 6764 (TXT path = context path of the service)',
        `_caldavs._tcp.example.com. 3600 IN SRV 0 1 443 caldav.${SAMPLE_HEX}.com.`,
        '_caldavs._tcp.example.com. 3600 IN TXT "path=/"',
        '_caldav._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '_carddavs._tcp.example.com. 3600 IN SRV 0 0 0 .',
        `_carddav._tcp.example.com. 3600 IN SRV 0 1 80 carddav.${SAMPLE_HEX}.com.`,
        '_carddav._tcp.example.com. 3600 IN TXT "path=/"',
        '; Outlook: Autodiscover via SRV. RFC 2782: an SRV target must not be a CNAME; name the',
        '; host that holds the certificate with --autodiscover-host',
        '_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 autodiscover.example.com.',
        '; Autoconfig (Thunderbird, K-9) and Autodiscover (Outlook) host names',
        '; set the host that serves automx2-nest with --target HOST, then publish:',
        '; autoconfig.example.com. 3600 IN CNAME HOST.',
        '; autodiscover.example.com. 3600 IN CNAME HOST.',
      ]);
    });

    it('import into a populated database without a flag is refused and changes nothing', async () => {
      await a.seed();
      const before = await a.rows();
      const refused = await cli(a.db.dbUri, ['import', SEED_FILE()]);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toBe(
        'error: the database already contains data, nothing imported: use --merge to add or replace domains, or --replace to delete everything first\n',
      );
      expect(await a.rows()).toEqual(before);
    });

    it('--merge adds new domains and replaces existing ones by name, sharing equal servers', async () => {
      await a.seed();
      const merged = await ok(
        cli(a.db.dbUri, [
          'import',
          '--merge',
          file('merge-v2.json', {
            version: 2,
            provider: 'New Provider Ltd',
            domains: [{ name: 'EXAMPLE.org' }, { name: 'new.example' }],
            servers: [
              { type: 'imap', name: 'imap.new.example' },
              { type: 'smtp', name: 'smtp.example.com' },
            ],
          }),
        ]),
      );
      expect(lines(merged)).toEqual(['added domain new.example', 'replaced domain EXAMPLE.org']);
      const rows = await a.rows();
      expect(rows.provider).toEqual([
        ['Example Mail Services', 'Example'],
        ['New Provider Ltd', 'New'],
      ]);
      expect(rows.domain).toEqual([
        ['example.com', 0, null],
        ['EXAMPLE.org', 1, null], // same row, the file's spelling, the new provider
        ['bücher.example', 0, null],
        ['new.example', 1, null],
      ]);
      // smtp.example.com (server 3) is shared; imap.new.example (5) is new.
      expect(rows.server!.map((row) => (row as unknown[])[1])).toEqual([
        'imap.example.com',
        'imap-starttls.example.com',
        'pop.example.com',
        'smtp.example.com',
        'submission.example.com',
        'imap.new.example',
      ]);
      expect(rows.server_domain).toEqual([
        [0, 0],
        [0, 2],
        [1, 0],
        [1, 2],
        [2, 0],
        [2, 2],
        [3, 0],
        [3, 1],
        [3, 2],
        [3, 3],
        [4, 0],
        [4, 2],
        [5, 1],
        [5, 3],
      ]);
      expect(rows.davserver_domain).toEqual([
        [0, 0],
        [0, 2],
        [1, 0],
        [1, 2],
      ]);

      // An export document; the IDN domain is found by its punycode spelling. Rows only
      // the replaced domains used (imap.new.example, New Provider Ltd) are deleted.
      const second = await ok(
        cli(a.db.dbUri, [
          'import',
          '--merge',
          file('merge-export.json', {
            ...EXPORT_HEAD,
            providers: [{ id: 1, name: 'Example Mail Services', short_name: 'EMS' }],
            ldapservers: [],
            domains: ['xn--bcher-kva.example', 'new.example', 'example.org'].map((name) => ({
              name,
              provider_id: 1,
              ldapserver_id: null,
            })),
            servers: [
              {
                type: 'imap',
                name: 'imap.example.com',
                port: 993,
                socket_type: 'SSL',
                user_name: '%EMAILADDRESS%',
                authentication: 'plain',
                prio: 10,
                domains: ['xn--bcher-kva.example', 'new.example', 'example.org'],
              },
            ],
            davservers: [],
          }),
        ]),
      );
      expect(lines(second)).toEqual([
        'replaced domain xn--bcher-kva.example',
        'replaced domain new.example',
        'replaced domain example.org',
        'deleted 1 server no longer used by any domain',
        'deleted 1 provider no longer used by any domain',
      ]);
      const after = await a.rows();
      expect(after.provider).toEqual([['Example Mail Services', 'EMS']]);
      expect(after.domain).toEqual([
        ['example.com', 0, null],
        ['example.org', 0, null],
        ['xn--bcher-kva.example', 0, null],
        ['new.example', 0, null],
      ]);
      expect(after.server).toHaveLength(5);
      expect(after.server_domain!.filter((link) => (link as number[])[1] !== 0)).toEqual([
        [0, 1],
        [0, 2],
        [0, 3],
      ]);

      // A database with gaps in its ids and shared servers still round-trips exactly.
      const exported = await ok(cli(a.db.dbUri, ['export']));
      await ok(cli(b.db.dbUri, ['import', '--replace', '-'], exported));
      expect(await b.rows()).toEqual(after);
    });

    it('--replace deletes everything first and loads the document, in one transaction', async () => {
      const replacement = {
        version: 2,
        provider: 'Replacement Mail',
        domains: [{ name: 'replacement.example' }],
        servers: [{ type: 'smtp', name: 'smtp.replacement.example', port: 587 }],
      };
      await Promise.all([a.seed(), b.load(replacement)]);
      const doc = file('replace.json', replacement);
      expect(await ok(cli(a.db.dbUri, ['import', '--replace', doc]))).toBe(
        'replaced all data with seeding document (version 2): 1 provider, 1 domain, 1 server, 0 DAV servers, 0 LDAP servers\n',
      );
      expect(await a.rows()).toEqual(await b.rows());
    });

    it('a bad document exits 1 naming the field and leaves the database unchanged', async () => {
      await a.seed();
      const before = await a.rows();
      const badExport = file('bad-export.json', {
        ...EXPORT_HEAD,
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
      const replace = await cli(a.db.dbUri, ['import', '--replace', badExport]);
      expect(replace).toMatchObject({ code: 1, stdout: '' });
      expect(lines(replace.stderr)).toEqual([
        `error: ${badExport}: invalid: servers[0].port: must be an integer`,
        `error: ${badExport}: invalid: servers[0].domains[1]: no domain "other.example" in this document`,
      ]);
      expect(await a.rows()).toEqual(before);
    });

    it('ports outside 1–65535 and control characters exit 1 naming each field, changing nothing', async () => {
      await a.seed();
      const before = await a.rows();
      const server = (values: Record<string, unknown>) => ({
        type: 'imap',
        name: 'imap.bad.example',
        port: 143,
        socket_type: 'STARTTLS',
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: 10,
        domains: ['bad.example'],
        ...values,
      });
      const badExport = file('bad-values.json', {
        ...EXPORT_HEAD,
        providers: [{ id: 1, name: 'Bad\u0001 Provider', short_name: 'Bad' }],
        domains: [{ name: 'bad.example', provider_id: 1, ldapserver_id: null }],
        servers: [
          server({ port: 0 }),
          server({ port: 65536 }),
          server({ name: 'imap\uD800.bad.example' }),
          server({ port: 1 }),
          server({ port: 65535, user_name: '%EMAILADDRESS%\u007f' }),
        ],
        davservers: [
          {
            type: 'carddav',
            url: 'https://dav.bad.example/',
            port: -1,
            use_ssl: true,
            domain_required: true,
            user_name: null,
            domains: ['bad.example'],
          },
        ],
      });
      for (const flag of ['--replace', '--merge']) {
        const result = await cli(a.db.dbUri, ['import', flag, badExport]);
        expect(result).toMatchObject({ code: 1, stdout: '' });
        expect(lines(result.stderr)).toEqual(
          [
            'providers[0].name: must not contain control characters (found U+0001)',
            // The domain's provider was refused with its own row.
            'domains[0].provider_id: no provider with id 1 in this document',
            'servers[0].port: must be a port number from 1 to 65535',
            'servers[1].port: must be a port number from 1 to 65535',
            'servers[2].name: must not contain lone surrogates (found U+D800)',
            'servers[4].user_name: must not contain control characters (found U+007F)',
            'davservers[0].port: must be a port number from 1 to 65535, or 0 for none',
          ].map((problem) => `error: ${badExport}: invalid: ${problem}`),
        );
      }
      const badSeed = file('bad-seed.json', {
        version: 2,
        provider: 'Bad Provider',
        domains: [{ name: 'bad.example' }],
        servers: [{ type: 'smtp', name: 'smtp.bad.example', port: 0 }],
      });
      const merge = await cli(a.db.dbUri, ['import', '--merge', badSeed]);
      expect(merge).toMatchObject({ code: 1, stdout: '' });
      expect(merge.stderr).toBe(
        `error: ${badSeed}: invalid: servers[0].port: must be a port number from 1 to 65535\n`,
      );
      expect(await a.rows()).toEqual(before);
    });

    it('a document the database refuses half-way rolls the purge of --replace back', async () => {
      await a.seed();
      const before = await a.rows();
      // Valid for the validator (names are stored as given); MariaDB's case-insensitive
      // unique index refuses the second name, PostgreSQL and SQLite store both.
      const caseTwins = file('case-twins.json', {
        ...EXPORT_HEAD,
        providers: [{ id: 1, name: 'P', short_name: 'P' }],
        domains: ['twin.example', 'TWIN.example'].map((name) => ({
          name,
          provider_id: 1,
          ldapserver_id: null,
        })),
      });
      const result = await cli(a.db.dbUri, ['import', '--replace', caseTwins]);
      if (dialect === 'mysql') {
        expect(result).toMatchObject({ code: 1, stdout: '' });
        expect(result.stderr).toMatch(
          /^error: nothing imported: the database rejected the data: .*Duplicate entry/,
        );
        expect(await a.rows()).toEqual(before);
      } else {
        expect(result.code).toBe(0);
        expect((await a.rows()).domain).toEqual([
          ['twin.example', 0, null],
          ['TWIN.example', 0, null],
        ]);
      }
    });

    it('dns prints the records of a domain from the database, in zone-file syntax', async () => {
      await a.seed();
      const records = await ok(
        cli(a.db.dbUri, [
          'dns',
          'Example.COM.',
          '--target',
          'automx.provider.example',
          '--autodiscover-host',
          'mail.provider.example',
        ]),
      );
      expect(lines(records)).toEqual([
        '; DNS records for example.com (provider "Example Mail Services"), from the automx2-nest database',
        '; Mail services, RFC 6186 and RFC 8314 (target "." = not offered)',
        '_imaps._tcp.example.com. 3600 IN SRV 10 1 993 imap.example.com.',
        '_imap._tcp.example.com. 3600 IN SRV 20 1 143 imap-starttls.example.com.',
        '_pop3s._tcp.example.com. 3600 IN SRV 10 1 995 pop.example.com.',
        '_pop3._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '_submissions._tcp.example.com. 3600 IN SRV 10 1 465 smtp.example.com.',
        '_submission._tcp.example.com. 3600 IN SRV 5 1 587 submission.example.com.',
        '; CalDAV and CardDAV, RFC 6764 (TXT path = context path of the service)',
        '_caldavs._tcp.example.com. 3600 IN SRV 0 1 443 dav.example.com.',
        '_caldavs._tcp.example.com. 3600 IN TXT "path=/calendars/"',
        '; path shortened from "/calendars/%EMAILADDRESS%/" (per-user placeholders do not belong in DNS)',
        '_caldav._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '_carddavs._tcp.example.com. 3600 IN SRV 0 1 443 dav.example.com.',
        '_carddavs._tcp.example.com. 3600 IN TXT "path=/addressbooks/"',
        '; path shortened from "/addressbooks/%EMAILADDRESS%/" (per-user placeholders do not belong in DNS)',
        '_carddav._tcp.example.com. 3600 IN SRV 0 0 0 .',
        '; Outlook: Autodiscover via SRV. RFC 2782: an SRV target must not be a CNAME; name the',
        '; host that holds the certificate with --autodiscover-host',
        '_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 mail.provider.example.',
        '; Autoconfig (Thunderbird, K-9) and Autodiscover (Outlook) host names',
        'autoconfig.example.com. 3600 IN CNAME automx.provider.example.',
        'autodiscover.example.com. 3600 IN CNAME automx.provider.example.',
      ]);
    });
  });
});

describeOnce('automx2-nest CLI without a usable configuration or arguments', () => {
  it('exits 2 with every configuration problem, for every command', async () => {
    const results = await Promise.all(
      [['export'], ['import', 'x.json'], ['dns', 'example.com']].map((args) =>
        cli('nosuch://x', args),
      ),
    );
    for (const result of results) {
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^config error: environment: AUTOMX2_DB_URI = "nosuch:\/\/x"/);
    }
  });

  it('exits 2 naming the file when AUTOMX2_CONF names one that is missing or unreadable, for every command', async () => {
    const missing = join(home, 'missing.conf');
    const commands = [['migrate'], ['export'], ['import', 'x.json'], ['dns', 'example.com']];
    const results = await Promise.all(
      [missing, home].flatMap((conf) =>
        commands.map((args) => run(DIST_CLI, args, 'sqlite:///:memory:', undefined, conf)),
      ),
    );
    const [enoent, eisdir] = [
      `config error: ${missing}: cannot read (named by AUTOMX2_CONF): ENOENT: no such file or directory\n`,
      `config error: ${home}: cannot read (named by AUTOMX2_CONF): EISDIR: illegal operation on a directory, read\n`,
    ];
    expect(results).toEqual([
      ...commands.map(() => ({ code: 2, stdout: '', stderr: enoent })),
      ...commands.map(() => ({ code: 2, stdout: '', stderr: eisdir })),
    ]);
  });

  it('import names every problem of a v2 seeding document, one per line, exit 1', async () => {
    const bad = file('bad-v2-many.json', {
      version: 2,
      provider: 'Bad\u0001 Provider',
      domains: [{ name: 'bad.example' }, {}],
      servers: [
        { type: 'imap', name: 'imap.bad.example', port: 0 },
        { type: 'smtp' },
        { type: 'caldav', url: 'https://dav.bad.example/', port: 65536 },
      ],
    });
    const result = await cli('sqlite:///:memory:', ['import', bad]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(lines(result.stderr)).toEqual(
      [
        'provider: must not contain control characters (found U+0001)',
        'domains[1].name: missing',
        'servers[0].port: must be a port number from 1 to 65535',
        'servers[1].name: missing',
        'servers[2].port: must be a port number from 1 to 65535, or 0 for none',
      ].map((problem) => `error: ${bad}: invalid: ${problem}`),
    );
  });

  it('exits 2 with the usage text on bad arguments', async () => {
    const dbUri = 'sqlite:///:memory:';
    const results = await Promise.all([
      cli(dbUri, ['import']),
      cli(dbUri, ['import', '--merge', '--replace', 'x.json']),
      cli(dbUri, ['export', 'a.json', 'b.json']),
      cli(dbUri, ['dns', 'example.com', '--ttl', 'soon']),
      cli(dbUri, ['frobnicate']),
    ]);
    expect(results.map((result) => [result.code, lines(result.stderr).at(-1)])).toEqual([
      [2, 'import: missing argument'],
      [2, 'import: --merge and --replace exclude each other'],
      [2, 'export: unexpected argument "b.json"'],
      [2, 'dns: --ttl "soon": expected seconds (0-2147483647)'],
      [2, 'unknown command "frobnicate"'],
    ]);
    expect(results[0].stderr).toMatch(/^usage: automx2-nest <command>\n/);
  });

  it('exits 1 for a document that is not JSON or not version 2, and for an unknown domain', async () => {
    const dbUri = 'sqlite:///:memory:';
    const badV2 = file('bad-v2.json', { provider: 'Old', domains: ['x.example'], servers: [] });
    const [notJson, notV2, unknown] = await Promise.all([
      cli(dbUri, ['import', '-'], '{"version": 2,'),
      cli(dbUri, ['import', '--merge', badV2]),
      cli(dbUri, ['dns', 'nowhere.example']),
    ]);
    expect(notJson).toMatchObject({ code: 1, stdout: '' });
    expect(notJson.stderr).toMatch(/^error: stdin: invalid: document: not valid JSON/);
    expect(notV2).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: ${badV2}: invalid: version: missing (seeding format version 2 is required)\n`,
    });
    expect(unknown).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: unknown domain: nowhere.example (not in the database)\n',
    });
  });

  it('runs as `npx automx2-nest` (bin/automx2-nest.js), reading stdin for "-", dns for an IDN', async () => {
    const dbUri = `sqlite:///${join(home, 'bin.sqlite')}`;
    const bin = join(ROOT, 'bin', 'automx2-nest.js');
    expect(await ok(run(bin, ['import', '-'], dbUri, SEED_EXAMPLE_JSON))).toMatch(
      /^imported seeding document/,
    );
    const [exported, idn] = await Promise.all([
      ok(run(bin, ['export'], dbUri)),
      ok(run(bin, ['dns', 'XN--BCHER-KVA.example.', '--ttl', '300'], dbUri)),
    ]);
    expect((JSON.parse(exported) as { domains: unknown[] }).domains).toHaveLength(3);
    // The IDN domain is found by its punycode spelling and published in it.
    expect(lines(idn)).toContain(
      '_imaps._tcp.xn--bcher-kva.example. 300 IN SRV 10 1 993 imap.example.com.',
    );
  });
});

describeOnce('automx2-nest check-config', () => {
  let pki: TestPki;
  let migrated: string;

  /** A configuration file of `lines` in [automx2]. */
  const conf = (name: string, ...entries: string[]) =>
    file(name, ['[automx2]', ...entries, ''].join('\n'));
  const checkConfig = (confFile: string, dbUri?: string) =>
    run(DIST_CLI, ['check-config'], dbUri, undefined, confFile);
  /** `node dist/main.js` with the same configuration: how start-up ends. */
  const serve = (confFile: string) =>
    run(DIST_MAIN, ['--host', '127.0.0.1', '--port', '0'], undefined, undefined, confFile);

  beforeAll(async () => {
    pki = createTestPki();
    migrated = `sqlite:///${join(home, 'check-config.sqlite')}`;
    await ok(cli(migrated, ['migrate']));
  });

  afterAll(() => pki?.remove());

  it('lists every problem start-up refuses, the unknown key beside a bad value too, as serve does', async () => {
    const confFile = conf(
      'check-mismatch.conf',
      'loglevel = LOUD',
      'loglevl = DEBUG',
      `mobileconfig_sign_cert = ${pki.signerCert}`,
      `mobileconfig_sign_key = ${pki.otherKey}`,
    );
    const problems = [
      `${confFile}: loglevel = "LOUD": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL`,
      `${confFile}: mobileconfig_sign_key = "${pki.otherKey}": the key does not belong to the ` +
        `certificate in mobileconfig_sign_cert = "${pki.signerCert}"`,
    ];
    const [checked, served] = await Promise.all([checkConfig(confFile), serve(confFile)]);
    expect(checked).toMatchObject({ code: 2, stdout: '' });
    expect(lines(checked.stderr)).toEqual([
      `warning: ${confFile}: unknown key "loglevl" in [automx2] ignored`,
      ...problems.map((problem) => `config error: ${problem}`),
      'database: not checked, the configuration has problems',
    ]);
    expect(served).toMatchObject({ code: 2, stdout: '' });
    expect(lines(served.stderr)).toEqual(problems.map((problem) => `config error: ${problem}`));
  });

  it('refuses an EC key (exit 2) and still checks the database', async () => {
    const confFile = conf(
      'check-ec.conf',
      `db_uri = ${migrated}`,
      `mobileconfig_sign_cert = ${pki.signerCert}`,
      `mobileconfig_sign_key = ${pki.ecKey}`,
    );
    const problem =
      `config error: ${confFile}: mobileconfig_sign_key = "${pki.ecKey}": an EC key; ` +
      'only RSA keys can sign profiles';
    const [checked, served] = await Promise.all([checkConfig(confFile), serve(confFile)]);
    expect(checked).toEqual({
      code: 2,
      stdout: `configuration: ${confFile}\ndatabase ${migrated}: reachable, schema present\n`,
      stderr: `${problem}\n`,
    });
    expect(served).toEqual({ code: 2, stdout: '', stderr: `${problem}\n` });
  });

  it('reports a database it cannot reach (exit 1)', async () => {
    const unreachable = 'postgresql://automx2:Secret42@127.0.0.1:1/automx2';
    const result = await checkConfig(conf('check-unreachable.conf'), unreachable);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toMatch(
      /^database postgresql:\/\/automx2:\*\*\*@127\.0\.0\.1:1\/automx2: .*ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain('Secret42');
  });

  it('reports a SQLite file that does not exist without creating it (exit 1)', async () => {
    const missing = join(home, 'no-such-dir', 'automx2.sqlite');
    const dbUri = `sqlite:///${missing}`;
    expect(await checkConfig(conf('check-no-file.conf'), dbUri)).toEqual({
      code: 1,
      stdout: `configuration: ${join(home, 'check-no-file.conf')}\n`,
      stderr: `database ${dbUri}: no such file (the server would create it, empty)\n`,
    });
    expect(existsSync(join(home, 'no-such-dir'))).toBe(false);
  });

  it('exits 0 with usable signing files and a database with its schema', async () => {
    const confFile = conf(
      'check-good.conf',
      `db_uri = ${migrated}`,
      `mobileconfig_sign_cert = ${pki.signerCert}`,
      `mobileconfig_sign_key = ${pki.signerKey}`,
      `mobileconfig_sign_chain = ${pki.intermediate}`,
    );
    expect(await checkConfig(confFile)).toEqual({
      code: 0,
      stdout: `configuration: ${confFile}\ndatabase ${migrated}: reachable, schema present\n`,
      stderr: '',
    });
  });

  it('names a missing AUTOMX2_CONF file and checks nothing else (exit 2)', async () => {
    const missing = join(home, 'nowhere.conf');
    expect(await checkConfig(missing)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `config error: ${missing}: cannot read (named by AUTOMX2_CONF): ENOENT: no such file or directory\n` +
        'database: not checked, the configuration has problems\n',
    });
  });
});
