import 'reflect-metadata';
import {
  DataSource,
  type AfterQueryEvent,
  type EntityManager,
  type EntitySubscriberInterface,
  type ObjectLiteral,
} from 'typeorm';
import { parseDbUri } from '../../src/config/db-uri';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { exclusiveTransaction } from '../../src/database/database-locks';
import { deleteDomainRows, mergePlan, type MergeReport } from '../../src/database/plan-merge';
import { toInteger, toText, type Row } from '../../src/database/row-values';
import type {
  PlannedDavServer,
  PlannedLdapServer,
  PlannedServer,
  SeedPlan,
} from '../../src/provisioning/plan';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';

/**
 * `import --merge` (and the admin API's PUT and DELETE of a domain) at scale: with
 * 20,000 stored domains sharing a few servers, a one-domain merge or deletion reads only
 * the rows it can touch. The proof: the same statements, returning the same few rows,
 * with 100 domains stored and with 20,000, each an index read (EXPLAIN). Stored
 * look-alikes (other case, accents, trailing space), which MariaDB's collation returns
 * as candidates, are never taken for the plan's rows. The indexes come from the
 * MergeIndexes migration, whose `down` drops only what it added.
 */

const BIG = 20_000;
const SMALL = 100;

/** A statement run during a merge, and how many rows it returned. */
interface Ran {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly rows: number;
}

/** Records the statements of the connection while `recording` is set. */
class StatementRecorder implements EntitySubscriberInterface<ObjectLiteral> {
  recording = false;
  readonly ran: Ran[] = [];

  afterQuery(event: AfterQueryEvent<ObjectLiteral>): void {
    if (!this.recording) return;
    // The drivers' raw results: row arrays (MySQL, SQLite), pg's result with `rows`.
    const raw = event.rawResults as unknown;
    const rows = Array.isArray(raw)
      ? raw.length
      : raw !== null && typeof raw === 'object' && 'rows' in raw && Array.isArray(raw.rows)
        ? raw.rows.length
        : 0;
    this.ran.push({ sql: event.query, parameters: event.parameters ?? [], rows });
  }

  async during<T>(work: () => Promise<T>): Promise<{ result: T; ran: Ran[] }> {
    this.ran.length = 0;
    this.recording = true;
    try {
      const result = await work();
      return { result, ran: [...this.ran] };
    } finally {
      this.recording = false;
    }
  }
}

const q = (value: string) => `'${value.replace(/'/g, "''")}'`;
const nullable = (value: string | null) => (value === null ? 'NULL' : q(value));
const bool = (value: boolean) => (value ? 'TRUE' : 'FALSE');

const IMAP: Omit<PlannedServer, 'domainRefs'> = {
  prio: 10,
  name: 'imap.bulk.example',
  port: 993,
  type: 'imap',
  socketType: 'SSL',
  userName: '%EMAILADDRESS%',
  authentication: 'plain',
};
const SMTP: Omit<PlannedServer, 'domainRefs'> = {
  ...IMAP,
  name: 'smtp.bulk.example',
  port: 587,
  type: 'smtp',
  socketType: 'STARTTLS',
};
const DAV: Omit<PlannedDavServer, 'domainRefs'> = {
  url: 'https://dav.bulk.example/',
  port: 443,
  type: 'caldav',
  useSsl: true,
  domainRequired: false,
  userName: null,
};
const LDAP: Omit<PlannedLdapServer, 'ref'> = {
  name: 'ldap.own.example',
  port: 636,
  useSsl: true,
  searchBase: 'dc=own,dc=example',
  searchFilter: '(mail={0})',
  attrUid: 'uid',
  attrCn: 'cn',
  bindUser: null,
  bindPassword: null,
};
const BULK_PROVIDER = { name: 'Bulk Mail', shortName: 'Bulk' };

/** Spellings MariaDB's utf8mb4_general_ci equates with the real rows, stored first. */
const LOOK_ALIKES = ['IMAP.BULK.EXAMPLE', 'ímap.bulk.example', 'imap.bulk.example '];

function serverSql(server: Omit<PlannedServer, 'domainRefs'>): string {
  return (
    'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) ' +
    `VALUES (${server.prio}, ${q(server.name)}, ${server.port}, ${q(server.type)}, ` +
    `${q(server.socketType)}, ${q(server.userName)}, ${q(server.authentication)})`
  );
}

function davSql(server: Omit<PlannedDavServer, 'domainRefs'>): string {
  return (
    'INSERT INTO davserver (url, port, type, use_ssl, domain_required, user_name) ' +
    `VALUES (${q(server.url)}, ${server.port}, ${q(server.type)}, ${bool(server.useSsl)}, ` +
    `${bool(server.domainRequired)}, ${nullable(server.userName)})`
  );
}

function ldapSql(server: Omit<PlannedLdapServer, 'ref'>): string {
  return (
    'INSERT INTO ldapserver (name, port, use_ssl, search_base, search_filter, attr_uid, ' +
    `attr_cn, bind_password, bind_user) VALUES (${q(server.name)}, ${server.port}, ` +
    `${bool(server.useSsl)}, ${q(server.searchBase)}, ${q(server.searchFilter)}, ` +
    `${q(server.attrUid)}, ${nullable(server.attrCn)}, ${nullable(server.bindPassword)}, ` +
    `${nullable(server.bindUser)})`
  );
}

/** A plan of one domain with the provider given and the servers given (all linked to it). */
function onePlan(
  name: string,
  rows: {
    provider?: { name: string; shortName: string };
    ldapServer?: Omit<PlannedLdapServer, 'ref'>;
    servers?: Omit<PlannedServer, 'domainRefs'>[];
    davServers?: Omit<PlannedDavServer, 'domainRefs'>[];
  },
): SeedPlan {
  return {
    providers: [{ ref: 'p', ...(rows.provider ?? BULK_PROVIDER) }],
    ldapServers: rows.ldapServer ? [{ ref: 'l', ...rows.ldapServer }] : [],
    domains: [{ ref: 'd', name, providerRef: 'p', ldapServerRef: rows.ldapServer ? 'l' : null }],
    servers: (rows.servers ?? []).map((server) => ({ ...server, domainRefs: ['d'] })),
    davServers: (rows.davServers ?? []).map((server) => ({ ...server, domainRefs: ['d'] })),
  };
}

/** A node of PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON). */
interface PgPlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly Plans?: readonly PgPlanNode[];
}

const GROWING = ['domain', 'server_domain', 'davserver_domain'];

/** Sequential scans of a growing table that read more than a few rows. */
function pgSeqScans(node: PgPlanNode): string[] {
  const read = (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
  const own =
    node['Node Type'] === 'Seq Scan' && GROWING.includes(node['Relation Name'] ?? '') && read > 10
      ? [`Seq Scan on ${node['Relation Name']}: ${read} rows`]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(pgSeqScans)];
}

/** A migrated database with the bulk rows and `count` domains sharing them. */
class BulkDatabase {
  readonly recorder = new StatementRecorder();

  private constructor(
    readonly db: TestDatabase,
    readonly dataSource: DataSource,
  ) {
    dataSource.subscribers.push(this.recorder);
  }

  static async open(dialect: Dialect, count: number): Promise<BulkDatabase> {
    const db = await createTestDatabase(dialect);
    const dataSource = new DataSource(dataSourceOptions(parseDbUri(db.dbUri), false));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const bulk = new BulkDatabase(db, dataSource);
    await bulk.sql(
      `INSERT INTO provider (name, short_name) VALUES ('BULK MAIL', 'Bulk')`,
      `INSERT INTO provider (name, short_name) VALUES (${q(BULK_PROVIDER.name)}, 'Bulk')`,
      ...LOOK_ALIKES.map((name) => serverSql({ ...IMAP, name })),
      serverSql(IMAP),
      serverSql(SMTP),
      davSql({ ...DAV, url: DAV.url.toUpperCase() }),
      davSql(DAV),
    );
    await bulk.addDomains(count);
    return bulk;
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
    await this.db.drop();
  }

  async sql(...statements: string[]): Promise<void> {
    for (const statement of statements) await this.dataSource.query(statement);
  }

  async rows(statement: string): Promise<Row[]> {
    return this.dataSource.query<Row[]>(statement);
  }

  /** The id of the row whose `column` is exactly `value` (compared here, not by collation). */
  async idOf(table: string, column: string, value: string): Promise<number> {
    const rows = await this.rows(
      `SELECT id, ${column} AS v FROM ${table} WHERE ${column} = ${q(value)}`,
    );
    const exact = rows.filter((row) => row.v === value);
    if (exact.length !== 1) throw new Error(`${table}.${column} = ${value}: ${exact.length} rows`);
    return toInteger(exact[0]!.id);
  }

  async count(statement: string): Promise<number> {
    const [row] = await this.rows(`SELECT COUNT(*) AS n FROM ${statement}`);
    return toInteger(row?.n);
  }

  /** Ids of the servers (or DAV servers) linked to a domain, ascending. */
  async linked(table: 'server_domain' | 'davserver_domain', domainId: number): Promise<number[]> {
    const owner = table === 'server_domain' ? 'server_id' : 'davserver_id';
    const rows = await this.rows(
      `SELECT ${owner} AS id FROM ${table} WHERE domain_id = ${domainId} ORDER BY ${owner}`,
    );
    return rows.map((row) => toInteger(row.id));
  }

  /**
   * `count` domains d00000.bulk.example… by multi-row INSERTs, each with the bulk provider,
   * both bulk mail servers and the bulk DAV server.
   */
  async addDomains(count: number): Promise<void> {
    const provider = await this.idOf('provider', 'name', BULK_PROVIDER.name);
    const [imap, smtp, dav] = await Promise.all([
      this.idOf('server', 'name', IMAP.name),
      this.idOf('server', 'name', SMTP.name),
      this.idOf('davserver', 'url', DAV.url),
    ]);
    const [before] = await this.rows('SELECT COALESCE(MAX(id), 0) AS id FROM domain');
    const after = toInteger(before?.id);
    const names = Array.from(
      { length: count },
      (_, i) => `d${String(i).padStart(5, '0')}.bulk.example`,
    );
    for (let start = 0; start < names.length; start += 1000) {
      const values = names
        .slice(start, start + 1000)
        .map((name) => `(${q(name)}, ${provider}, NULL)`)
        .join(', ');
      await this.sql(`INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ${values}`);
    }
    await this.sql(
      'INSERT INTO server_domain (server_id, domain_id) SELECT s.id, d.id FROM server s ' +
        `CROSS JOIN domain d WHERE s.id IN (${imap}, ${smtp}) AND d.id > ${after}`,
      'INSERT INTO davserver_domain (davserver_id, domain_id) SELECT v.id, d.id FROM davserver v ' +
        `CROSS JOIN domain d WHERE v.id = ${dav} AND d.id > ${after}`,
    );
    if (this.db.dialect === 'postgres') await this.sql('ANALYZE');
  }

  /** `work` as `import --merge` runs it: one transaction under the writers' lock. */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return exclusiveTransaction(this.dataSource, 'seed', work);
  }

  merge(plan: SeedPlan): Promise<MergeReport> {
    return this.write((manager) => mergePlan(manager, plan));
  }

  /**
   * The scans of the SELECTs that ran which read more than a few rows of a table:
   * PostgreSQL's sequential scans of a table that grows with the domains, by the rows
   * they read (EXPLAIN ANALYZE: a semi-join may scan a link table and stop at the first
   * row that matches); SQLite's SCAN lines (EXPLAIN QUERY PLAN: any table); MySQL's
   * full table or index scans estimated at more than a hundred rows (EXPLAIN).
   */
  async fullScans(ran: readonly Ran[]): Promise<{ sql: string; scans: string[] }[]> {
    const selects = ran.filter((run) => /^SELECT\b.*\bFROM\b/is.test(run.sql));
    const found: { sql: string; scans: string[] }[] = [];
    for (const { sql, parameters } of selects) {
      if (this.db.dialect === 'postgres') {
        const [row] = await this.dataSource.query<Row[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, [
          ...parameters,
        ]);
        const [plan] = row?.['QUERY PLAN'] as [{ Plan: PgPlanNode }];
        found.push({ sql, scans: pgSeqScans(plan.Plan) });
      } else if (this.db.dialect === 'sqlite-file') {
        const rows = await this.dataSource.query<Row[]>(`EXPLAIN QUERY PLAN ${sql}`, [
          ...parameters,
        ]);
        const details = rows.map((row) => toText(row.detail));
        found.push({ sql, scans: details.filter((detail) => detail.startsWith('SCAN')) });
      } else {
        const rows = await this.dataSource.query<Row[]>(`EXPLAIN ${sql}`, [...parameters]);
        const scans = rows.filter(
          (row) => ['ALL', 'index'].includes(toText(row.type)) && toInteger(row.rows) > 100,
        );
        found.push({ sql, scans: scans.map((row) => `${toText(row.type)} ${toText(row.table)}`) });
      }
    }
    return found;
  }
}

describe.each(ENGINE_DIALECTS)('merging one domain among 20,000 on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    let big: BulkDatabase;

    beforeAll(async () => {
      big = await BulkDatabase.open(dialect, BIG);
    }, 180_000);

    afterAll(async () => {
      await big?.close();
    });

    it('holds 20,000 domains sharing the bulk servers (the fixture)', async () => {
      expect(await big.count('domain')).toBe(BIG);
      expect(await big.count('server_domain')).toBe(2 * BIG);
      expect(await big.count('davserver_domain')).toBe(BIG);
    });

    it('replaces a domain by another spelling, reusing equal rows and deleting the ones only it used', async () => {
      await big.sql(
        `INSERT INTO provider (name, short_name) VALUES ('Own Mail', 'Own')`,
        ldapSql(LDAP),
        serverSql({ ...IMAP, name: 'imap.own.example' }),
        davSql({ ...DAV, url: 'https://dav.own.example/' }),
      );
      const own = {
        provider: await big.idOf('provider', 'name', 'Own Mail'),
        ldap: await big.idOf('ldapserver', 'name', LDAP.name),
        server: await big.idOf('server', 'name', 'imap.own.example'),
        dav: await big.idOf('davserver', 'url', 'https://dav.own.example/'),
      };
      const shared = {
        provider: await big.idOf('provider', 'name', BULK_PROVIDER.name),
        imap: await big.idOf('server', 'name', IMAP.name),
        smtp: await big.idOf('server', 'name', SMTP.name),
        dav: await big.idOf('davserver', 'url', DAV.url),
      };
      await big.sql(
        'INSERT INTO domain (name, provider_id, ldapserver_id) ' +
          `VALUES ('special.example', ${own.provider}, ${own.ldap})`,
      );
      const id = await big.idOf('domain', 'name', 'special.example');
      await big.sql(
        `INSERT INTO server_domain (server_id, domain_id) VALUES (${own.server}, ${id}), (${shared.smtp}, ${id})`,
        `INSERT INTO davserver_domain (davserver_id, domain_id) VALUES (${own.dav}, ${id})`,
      );
      const servers = await big.count('server');

      const report = await big.merge(
        onePlan('SPECIAL.Example', { servers: [IMAP, SMTP], davServers: [DAV] }),
      );

      expect(report).toEqual({
        added: [],
        replaced: ['SPECIAL.Example'],
        mergedAway: [],
        removed: { servers: 1, davServers: 1, ldapServers: 1, providers: 1 },
      });
      // Same row, the plan's spelling, the exact bulk rows (not their look-alikes).
      expect(
        await big.rows(`SELECT name, provider_id, ldapserver_id FROM domain WHERE id = ${id}`),
      ).toEqual([{ name: 'SPECIAL.Example', provider_id: shared.provider, ldapserver_id: null }]);
      expect(await big.linked('server_domain', id)).toEqual([shared.imap, shared.smtp]);
      expect(await big.linked('davserver_domain', id)).toEqual([shared.dav]);
      // The rows only special.example used are gone; nothing else is.
      expect(await big.count('server')).toBe(servers - 1);
      expect(await big.count(`server WHERE id = ${own.server}`)).toBe(0);
      expect(await big.count(`davserver WHERE id = ${own.dav}`)).toBe(0);
      expect(await big.count(`ldapserver WHERE id = ${own.ldap}`)).toBe(0);
      expect(await big.count(`provider WHERE id = ${own.provider}`)).toBe(0);
      expect(await big.count('domain')).toBe(BIG + 1);
      expect(await big.count('server_domain')).toBe(2 * BIG + 2);
      expect(await big.count('davserver_domain')).toBe(BIG + 1);
    });

    it('never takes a stored look-alike for a plan row: other case, accents, trailing space', async () => {
      const servers = await big.count('server');
      const report = await big.merge(
        onePlan('lookalike.example', {
          provider: { name: 'bulk mail', shortName: 'bulk' },
          servers: [{ ...IMAP, name: 'Imap.Bulk.Example' }, IMAP],
          davServers: [{ ...DAV, url: 'https://DAV.bulk.example/' }],
        }),
      );
      expect(report).toEqual({
        added: ['lookalike.example'],
        replaced: [],
        mergedAway: [],
        removed: { servers: 0, davServers: 0, ldapServers: 0, providers: 0 },
      });
      const id = await big.idOf('domain', 'name', 'lookalike.example');
      const created = {
        provider: await big.idOf('provider', 'name', 'bulk mail'),
        server: await big.idOf('server', 'name', 'Imap.Bulk.Example'),
        dav: await big.idOf('davserver', 'url', 'https://DAV.bulk.example/'),
      };
      expect(await big.count('server')).toBe(servers + 1);
      expect(await big.rows(`SELECT provider_id FROM domain WHERE id = ${id}`)).toEqual([
        { provider_id: created.provider },
      ]);
      expect(await big.linked('server_domain', id)).toEqual(
        [created.server, await big.idOf('server', 'name', IMAP.name)].sort((a, b) => a - b),
      );
      expect(await big.linked('davserver_domain', id)).toEqual([created.dav]);
      // The look-alikes stored before stay unused and untouched.
      for (const name of LOOK_ALIKES) {
        const lookAlike = await big.idOf('server', 'name', name);
        expect(await big.count(`server_domain WHERE server_id = ${lookAlike}`)).toBe(0);
      }
    });

    it('merges the stored spellings of an IDN domain into one row, the lowest id kept', async () => {
      const provider = await big.idOf('provider', 'name', BULK_PROVIDER.name);
      await big.sql(
        'INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ' +
          `('xn--bcher-kva.example', ${provider}, NULL), ('bücher.example', ${provider}, NULL)`,
      );
      const punycode = await big.idOf('domain', 'name', 'xn--bcher-kva.example');
      const report = await big.merge(onePlan('Bücher.example', { servers: [SMTP] }));
      expect(report).toEqual({
        added: [],
        replaced: ['Bücher.example'],
        mergedAway: ['bücher.example'],
        removed: { servers: 0, davServers: 0, ldapServers: 0, providers: 0 },
      });
      expect(await big.idOf('domain', 'name', 'Bücher.example')).toBe(punycode);
      expect(await big.count(`domain WHERE name LIKE '%cher%'`)).toBe(1);
    });

    it('never replaces a stored domain that only the collation equates (resume / résumé)', async () => {
      const provider = await big.idOf('provider', 'name', BULK_PROVIDER.name);
      await big.sql(
        `INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ('resume.example', ${provider}, NULL)`,
      );
      const resume = await big.idOf('domain', 'name', 'resume.example');
      const merging = big.merge(onePlan('résumé.example', { servers: [SMTP] }));
      if (dialect === 'mysql') {
        // The unique index's collation refuses the second name; nothing is replaced.
        await expect(merging).rejects.toThrow(/Duplicate entry/);
      } else {
        await expect(merging).resolves.toMatchObject({ added: ['résumé.example'], replaced: [] });
      }
      expect(await big.idOf('domain', 'name', 'resume.example')).toBe(resume);
    });

    it('runs the same statements, returning the same few rows, with 100 or 20,000 domains stored', async () => {
      const small = await BulkDatabase.open(dialect, SMALL);
      try {
        // The same change in both: d00008 keeps the bulk SMTP server and gets a new
        // provider, LDAP server, IMAP and DAV server (names no other test uses, so that
        // both databases hold the same candidates); then d00009 is deleted.
        const change = async (database: BulkDatabase) => {
          const plan = onePlan('D00008.bulk.example', {
            provider: { name: 'Count Mail', shortName: 'Count' },
            ldapServer: { ...LDAP, name: 'ldap.count.example' },
            servers: [SMTP, { ...IMAP, name: 'imap.count.example' }],
            davServers: [{ ...DAV, url: 'https://dav.count.example/' }],
          });
          const merged = await database.recorder.during(() => database.merge(plan));
          const gone = await database.idOf('domain', 'name', 'd00009.bulk.example');
          const deleted = await database.recorder.during(() =>
            database.write((manager) => deleteDomainRows(manager, gone)),
          );
          return { merged, deleted };
        };
        const atSmall = await change(small);
        const atBig = await change(big);

        expect(atBig.merged.result).toEqual({
          added: [],
          replaced: ['D00008.bulk.example'],
          mergedAway: [],
          removed: { servers: 0, davServers: 0, ldapServers: 0, providers: 0 },
        });
        expect(atBig.deleted.result).toEqual({
          servers: 0,
          davServers: 0,
          ldapServers: 0,
          providers: 0,
        });
        for (const kind of ['merged', 'deleted'] as const) {
          // SQLite's statements carry some ids as literals, which differ between the two.
          const statements = (ran: Ran[]) =>
            ran.map(({ sql, rows }) => ({ sql: sql.replace(/\b\d+\b/g, 'N'), rows }));
          expect(statements(atBig[kind].ran)).toEqual(statements(atSmall[kind].ran));
          const rowsRead = atBig[kind].ran.reduce((sum, run) => sum + run.rows, 0);
          expect({ kind, fewRowsRead: rowsRead < 20 }).toEqual({ kind, fewRowsRead: true });
        }
        expect(atBig.merged.ran.length).toBeLessThan(40);

        // Each read is an index read: no scan of a table that grows with the domains.
        const explained = await big.fullScans([...atBig.merged.ran, ...atBig.deleted.ran]);
        expect(explained.length).toBeGreaterThanOrEqual(10);
        for (const { sql, scans } of explained) {
          expect({ sql, scans }).toEqual({ sql, scans: [] });
        }
      } finally {
        await small.close();
      }
    }, 180_000);

    it('deleteDomainRows keeps shared rows, deletes unshared ones and a provider once unused', async () => {
      await big.sql(
        `INSERT INTO provider (name, short_name) VALUES ('Pair Mail', 'Pair')`,
        ldapSql({ ...LDAP, name: 'ldap.pair.example' }),
        serverSql({ ...IMAP, name: 'imap.gone.example' }),
        davSql({ ...DAV, url: 'https://dav.gone.example/' }),
      );
      const pair = await big.idOf('provider', 'name', 'Pair Mail');
      const ldap = await big.idOf('ldapserver', 'name', 'ldap.pair.example');
      const own = await big.idOf('server', 'name', 'imap.gone.example');
      const ownDav = await big.idOf('davserver', 'url', 'https://dav.gone.example/');
      const smtp = await big.idOf('server', 'name', SMTP.name);
      await big.sql(
        'INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ' +
          `('gone.example', ${pair}, ${ldap}), ('stays.example', ${pair}, NULL)`,
      );
      const gone = await big.idOf('domain', 'name', 'gone.example');
      const stays = await big.idOf('domain', 'name', 'stays.example');
      await big.sql(
        `INSERT INTO server_domain (server_id, domain_id) VALUES (${own}, ${gone}), (${smtp}, ${gone}), (${smtp}, ${stays})`,
        `INSERT INTO davserver_domain (davserver_id, domain_id) VALUES (${ownDav}, ${gone})`,
      );
      const remove = (id: number) => big.write((manager) => deleteDomainRows(manager, id));

      expect(await remove(gone)).toEqual({
        servers: 1,
        davServers: 1,
        ldapServers: 1,
        providers: 0,
      });
      expect(await big.count(`domain WHERE id = ${gone}`)).toBe(0);
      expect(await big.count(`server_domain WHERE domain_id = ${gone}`)).toBe(0);
      expect(await big.count(`server WHERE id IN (${own}, ${smtp})`)).toBe(1);
      expect(await big.count(`davserver WHERE id = ${ownDav}`)).toBe(0);
      expect(await big.count(`ldapserver WHERE id = ${ldap}`)).toBe(0);
      expect(await big.count(`provider WHERE id = ${pair}`)).toBe(1);
      expect(await big.linked('server_domain', stays)).toEqual([smtp]);

      expect(await remove(stays)).toEqual({
        servers: 0,
        davServers: 0,
        ldapServers: 0,
        providers: 1,
      });
      expect(await big.count(`provider WHERE id = ${pair}`)).toBe(0);
      expect(await big.count(`server WHERE id = ${smtp}`)).toBe(1);
      // A domain that does not exist (any more) deletes nothing.
      const domains = await big.count('domain');
      expect(await remove(stays)).toEqual({
        servers: 0,
        davServers: 0,
        ldapServers: 0,
        providers: 0,
      });
      expect(await big.count('domain')).toBe(domains);
    });
  });
});

describe.each(ENGINE_DIALECTS)('the merge indexes migration on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const INDEXED = [
      ['provider', 'name', 'ix_provider_name'],
      ['ldapserver', 'name', 'ix_ldapserver_name'],
      ['server', 'name', 'ix_server_name'],
      ['davserver', 'url', 'ix_davserver_url'],
      ['domain', 'ldapserver_id', 'ix_domain_ldapserver_id'],
    ] as const;
    let db: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      dataSource = new DataSource(dataSourceOptions(parseDbUri(db.dbUri), false));
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.drop();
    });

    /** Per indexed column: the names of the indexes that start with it. */
    const indexes = async () => {
      const runner = dataSource.createQueryRunner();
      try {
        const found: Record<string, string[]> = {};
        for (const [table, column] of INDEXED) {
          const definition = await runner.getTable(table);
          found[`${table}.${column}`] = (definition?.indices ?? [])
            .filter((index) => index.columnNames[0] === column)
            .map((index) => index.name ?? '');
        }
        return found;
      } finally {
        await runner.release();
      }
    };

    it('indexes every column a merge reads by; down drops only its own indexes', async () => {
      const up = await indexes();
      for (const [table, column, name] of INDEXED) {
        const names = up[`${table}.${column}`];
        // MySQL/MariaDB index a foreign key's column by themselves: nothing to add there.
        // (TypeORM does not list that index among the table's.)
        if (dialect === 'mysql' && column === 'ldapserver_id') {
          expect(names).toEqual([]);
          const own = await dataSource.query<Row[]>(
            "SHOW INDEX FROM domain WHERE Column_name = 'ldapserver_id' AND Seq_in_index = 1",
          );
          expect(own.map((row) => row.Key_name)).not.toContain(name);
          expect(own.length).toBeGreaterThan(0);
        } else {
          expect({ column: `${table}.${column}`, names }).toEqual({
            column: `${table}.${column}`,
            names: [name],
          });
        }
      }

      await dataSource.undoLastMigration({ transaction: 'each' });
      const down = await indexes();
      expect(down).toEqual({
        'provider.name': [],
        'ldapserver.name': [],
        'server.name': [],
        'davserver.url': [],
        'domain.ldapserver_id': [],
      });

      const again = await dataSource.runMigrations({ transaction: 'each' });
      expect(again.map((migration) => migration.name)).toEqual(['MergeIndexes1764100000002']);
      expect(await indexes()).toEqual(up);
    });
  });
});
