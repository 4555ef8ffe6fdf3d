import Database from 'better-sqlite3';
import request from 'supertest';
import { checkK9Autoconfig, checkThunderbirdAutoconfig } from '../clients/autoconfig-rules';
import {
  expectAutoconfigAsStored,
  expectAutodiscoverAsStored,
  expectProfileAsStored,
  leftOutRows,
  RICH_DOMAINS,
  richDataStatements,
} from '../clients/rich-data';
import { binaryBody } from '../support/binary-body';
import { outlookRequestXml } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';

/**
 * An existing automx2 2026.2 database: the tables exactly as automx2's SQLAlchemy model
 * (automx2/model.py) creates them with `db.create_all()`, filled by plain SQL. The app
 * must answer from it before any migration, and `GET /initdb/` (which runs the
 * migrations) must record the baseline without touching automx2's tables or rows.
 */

const TABLES = [
  'provider',
  'ldapserver',
  'server',
  'davserver',
  'domain',
  'davserver_domain',
  'server_domain',
] as const;

type EngineDialect = Exclude<Dialect, 'sqlite-memory'>;

/** SQLAlchemy's type names and id columns per dialect. */
const DIALECT_SQL: Record<EngineDialect, { id: string; boolean: string; prioDefault: string }> = {
  'sqlite-file': {
    id: 'id INTEGER NOT NULL',
    boolean: 'BOOLEAN',
    prioDefault: "prio INTEGER DEFAULT '10' NOT NULL",
  },
  postgres: {
    id: 'id SERIAL NOT NULL',
    boolean: 'BOOLEAN',
    prioDefault: "prio INTEGER DEFAULT '10' NOT NULL",
  },
  mysql: {
    id: 'id INTEGER NOT NULL AUTO_INCREMENT',
    // MySQL/MariaDB store BOOL as tinyint(1).
    boolean: 'BOOL',
    prioDefault: "prio INTEGER NOT NULL DEFAULT '10'",
  },
};

/** The DDL of `db.create_all()` for automx2/model.py, in SQLAlchemy's dependency order. */
function automx2Ddl(dialect: EngineDialect): string[] {
  const { id, boolean, prioDefault } = DIALECT_SQL[dialect];
  const link = (table: string, owner: string) => `CREATE TABLE ${table} (
	${owner}_id INTEGER NOT NULL, 
	domain_id INTEGER NOT NULL, 
	PRIMARY KEY (${owner}_id, domain_id), 
	FOREIGN KEY(${owner}_id) REFERENCES ${owner} (id), 
	FOREIGN KEY(domain_id) REFERENCES domain (id)
)`;
  return [
    `CREATE TABLE provider (
	${id}, 
	name VARCHAR(128) NOT NULL, 
	short_name VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
)`,
    `CREATE TABLE ldapserver (
	${id}, 
	name VARCHAR(128) NOT NULL, 
	port INTEGER NOT NULL, 
	use_ssl ${boolean} NOT NULL, 
	search_base VARCHAR(128) NOT NULL, 
	search_filter VARCHAR(128) NOT NULL, 
	attr_uid VARCHAR(32) NOT NULL, 
	attr_cn VARCHAR(32), 
	bind_password VARCHAR(128), 
	bind_user VARCHAR(128), 
	PRIMARY KEY (id)
)`,
    `CREATE TABLE server (
	${id}, 
	${prioDefault}, 
	name VARCHAR(128) NOT NULL, 
	port INTEGER NOT NULL, 
	type VARCHAR(32) NOT NULL, 
	socket_type VARCHAR(32) NOT NULL, 
	user_name VARCHAR(64) NOT NULL, 
	authentication VARCHAR(32) NOT NULL, 
	PRIMARY KEY (id)
)`,
    `CREATE TABLE davserver (
	${id}, 
	url VARCHAR(128) NOT NULL, 
	port INTEGER NOT NULL, 
	type VARCHAR(32) NOT NULL, 
	use_ssl ${boolean} NOT NULL, 
	domain_required ${boolean} NOT NULL, 
	user_name VARCHAR(64), 
	PRIMARY KEY (id)
)`,
    `CREATE TABLE domain (
	${id}, 
	name VARCHAR(128) NOT NULL, 
	provider_id INTEGER NOT NULL, 
	ldapserver_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (name), 
	FOREIGN KEY(provider_id) REFERENCES provider (id), 
	FOREIGN KEY(ldapserver_id) REFERENCES ldapserver (id)
)`,
    link('davserver_domain', 'davserver'),
    link('server_domain', 'server'),
  ];
}

/** Rows as automx2's ORM inserts them: ids left to the database, every column given. */
function automx2Rows(dialect: EngineDialect): string[] {
  const [yes, no] = dialect === 'postgres' ? ['true', 'false'] : ['1', '0'];
  return [
    "INSERT INTO provider (name, short_name) VALUES ('Legacy Mail & Co', 'Legacy')",
    'INSERT INTO ldapserver (name, port, use_ssl, search_base, search_filter, attr_uid, attr_cn, ' +
      `bind_password, bind_user) VALUES ('ldap.legacy.example', 636, ${yes}, ` +
      "'dc=legacy,dc=example', '(mail={0})', 'uid', 'cn', NULL, NULL)",
    "INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ('legacy.example', 1, NULL)",
    "INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ('Other.Legacy.example', 1, NULL)",
    'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES ' +
      "(10, 'smtp.legacy.example', 587, 'smtp', 'STARTTLS', '%EMAILADDRESS%', 'plain')",
    'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES ' +
      "(10, 'imap.legacy.example', 993, 'imap', 'SSL', '%EMAILLOCALPART%', 'plain')",
    'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES ' +
      "(5, 'pop.legacy.example', 995, 'pop', 'SSL', '%EMAILADDRESS%', 'secure')",
    // prio from the server default.
    'INSERT INTO server (name, port, type, socket_type, user_name, authentication) VALUES ' +
      "('imap2.legacy.example', 143, 'imap', 'Auto', '%EMAILADDRESS%', 'plain')",
    'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES ' +
      "(30, 'smtp2.legacy.example', 25, 'smtp', 'None', '', 'plain')",
    'INSERT INTO davserver (url, port, type, use_ssl, domain_required, user_name) VALUES ' +
      `('https://dav.legacy.example/', 443, 'caldav', ${yes}, ${no}, NULL)`,
    'INSERT INTO server_domain (server_id, domain_id) VALUES (1, 1), (2, 1), (3, 1), (4, 1), (1, 2), (2, 2), (5, 2)',
    'INSERT INTO davserver_domain (davserver_id, domain_id) VALUES (1, 1)',
  ];
}

/** Runs a SELECT and gives the rows, on any engine. */
async function select(db: TestDatabase, sql: string): Promise<Record<string, unknown>[]> {
  if (db.dialect === 'sqlite-file') {
    const connection = new Database(db.dbUri.slice('sqlite:///'.length), { readonly: true });
    try {
      return connection.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      connection.close();
    }
  }
  const result = await db.sql(sql);
  if (db.dialect === 'postgres') return (result as { rows: Record<string, unknown>[] }).rows;
  return (result as [Record<string, unknown>[]])[0];
}

/** Every row of automx2's tables, ordered by their keys. */
async function allRows(db: TestDatabase): Promise<Record<string, unknown>[][]> {
  const order: Record<(typeof TABLES)[number], string> = {
    provider: 'id',
    ldapserver: 'id',
    server: 'id',
    davserver: 'id',
    domain: 'id',
    davserver_domain: 'davserver_id, domain_id',
    server_domain: 'server_id, domain_id',
  };
  return Promise.all(
    TABLES.map((table) => select(db, `SELECT * FROM ${table} ORDER BY ${order[table]}`)),
  );
}

/** The definition of automx2's tables' columns (not indexes, which migrations may add). */
async function columnDefinitions(db: TestDatabase): Promise<unknown> {
  const names = TABLES.map((table) => `'${table}'`).join(', ');
  switch (db.dialect) {
    case 'sqlite-file':
      return select(
        db,
        `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN (${names}) ORDER BY name`,
      );
    case 'postgres':
      return select(
        db,
        'SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, ' +
          'column_default FROM information_schema.columns ' +
          `WHERE table_schema = 'public' AND table_name IN (${names}) ` +
          'ORDER BY table_name, ordinal_position',
      );
    case 'sqlite-memory':
      throw new Error('an in-memory database is private to the app');
    case 'mysql':
      return select(
        db,
        'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA ' +
          'FROM information_schema.COLUMNS ' +
          `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${names}) ` +
          'ORDER BY TABLE_NAME, ORDINAL_POSITION',
      );
  }
}

const autoconfig = (app: TestApp, address: string) =>
  request(app.url).get(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`);

/** The autoconfig answers the legacy data gives, checked against the client rules. */
async function answers(app: TestApp): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const address of ['a@legacy.example', 'b@other.legacy.example', 'c@OTHER.LEGACY.EXAMPLE']) {
    const response = await autoconfig(app, address).expect(200);
    expect(response.headers['content-type']).toBe('application/xml');
    expect(checkThunderbirdAutoconfig(response.text, 'application/xml')).toEqual([]);
    result[address] = response.text;
  }
  await autoconfig(app, 'x@unknown.example').expect(204);
  return result;
}

const LEGACY_EXPECTED =
  '<clientConfig version="1.1"><emailProvider id="automx2-1"><identity />' +
  '<domain>legacy.example</domain><domain>Other.Legacy.example</domain>' +
  '<displayName>Legacy Mail &amp; Co</displayName><displayShortName>Legacy</displayShortName>' +
  '<incomingServer type="pop3"><hostname>pop.legacy.example</hostname><port>995</port>' +
  '<socketType>SSL</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-encrypted</authentication></incomingServer>' +
  '<outgoingServer type="smtp"><hostname>smtp.legacy.example</hostname><port>587</port>' +
  '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></outgoingServer>' +
  '<incomingServer type="imap"><hostname>imap.legacy.example</hostname><port>993</port>' +
  '<socketType>SSL</socketType><username>%EMAILLOCALPART%</username>' +
  '<authentication>password-cleartext</authentication></incomingServer>' +
  '<incomingServer type="imap"><hostname>imap2.legacy.example</hostname><port>143</port>' +
  '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></incomingServer>' +
  '</emailProvider></clientConfig>';

describe.each(ENGINE_DIALECTS)('an automx2 2026.2 database on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const engine = dialect as EngineDialect;
    let db: TestDatabase;
    let app: TestApp;
    let rowsBefore: Record<string, unknown>[][];
    let columnsBefore: unknown;
    let answersBefore: Record<string, string>;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      for (const statement of [...automx2Ddl(engine), ...automx2Rows(engine)]) {
        await db.sql(statement);
      }
      rowsBefore = await allRows(db);
      columnsBefore = await columnDefinitions(db);
      app = await startTestApp({ dbUri: db.dbUri });
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    // The tests build on each other: before the migration, the migration, after it.

    it('holds the rows automx2 would have written', () => {
      expect(TABLES).toHaveLength(automx2Ddl(engine).length);
      const [providers, ldapServers, servers, davServers, domains, davLinks, links] = rowsBefore;
      expect(providers).toHaveLength(1);
      expect(ldapServers).toHaveLength(1);
      expect(servers).toHaveLength(5);
      expect(servers?.map((row) => Number(row.prio))).toEqual([10, 10, 5, 10, 30]);
      expect(davServers).toHaveLength(1);
      expect(domains?.map((row) => row.name)).toEqual(['legacy.example', 'Other.Legacy.example']);
      expect(davLinks).toHaveLength(1);
      expect(links).toHaveLength(7);
    });

    it('answers autoconfig from the tables before any migration', async () => {
      answersBefore = await answers(app);
      expect(answersBefore['a@legacy.example']).toBe(LEGACY_EXPECTED);
      expect(checkK9Autoconfig(answersBefore['a@legacy.example']!)).toEqual([]);
      // The second domain has the first two servers only.
      const other = answersBefore['b@other.legacy.example']!;
      expect(other).toContain('<hostname>smtp.legacy.example</hostname>');
      expect(other).toContain('<hostname>imap.legacy.example</hostname>');
      expect(other).not.toContain('pop.legacy.example');
      // `None` is Mozilla's `plain`; an empty user name is written `<username />`.
      expect(other).toContain(
        '<outgoingServer type="smtp"><hostname>smtp2.legacy.example</hostname><port>25</port>' +
          '<socketType>plain</socketType><username /><authentication>password-cleartext',
      );
      expect(answersBefore['c@OTHER.LEGACY.EXAMPLE']).toBe(other);
    });

    it('shows the ready root page (the tables exist)', async () => {
      const response = await request(app.url).get('/').expect(200);
      expect(response.text).toContain('/mail/config-v1.1.xml?emailaddress=');
      expect(response.text).not.toContain('no tables yet');
    });

    it('GET /initdb/ migrates and reports the existing provider data', async () => {
      const response = await request(app.url).get('/initdb/').expect(200);
      expect(response.text).toBe(
        '<html><body>Database already contains provider data. <a href="/">Click here</a> to go back.</body></html>',
      );
      const migrations = await select(db, 'SELECT name FROM automx2_nest_migrations');
      expect(migrations.map((row) => row.name)).toEqual(
        expect.arrayContaining([
          'Automx2Baseline1764100000000',
          'LookupIndexes1764100000001',
          'MergeIndexes1764100000002',
        ]),
      );
    });

    it('leaves every automx2 row and column as it was', async () => {
      expect(await allRows(db)).toEqual(rowsBefore);
      expect(await columnDefinitions(db)).toEqual(columnsBefore);
    });

    it('gives identical answers after the migration', async () => {
      expect(await answers(app)).toEqual(answersBefore);
    });

    it('a second GET and a POST change nothing either', async () => {
      await request(app.url).get('/initdb/').expect(200);
      await request(app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(
          '{"version": 2, "provider": "Ignored", "domains": [{"name": "ignored.example"}],' +
            ' "servers": [{"type": "imap", "name": "imap.ignored.example"}]}',
        )
        .expect(200);
      // An invalid document is refused before anything else (issue 17), rows untouched.
      await request(app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send('{"version": 2, "provider": "Ignored", "domains": [], "servers": []}')
        .expect(400);
      expect(await allRows(db)).toEqual(rowsBefore);
    });

    it('keeps the ids generated by the database working for automx2 itself', async () => {
      await db.sql(
        "INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ('late.legacy.example', 1, NULL)",
      );
      const [row] = await select(db, "SELECT id FROM domain WHERE name = 'late.legacy.example'");
      expect(Number(row?.id)).toBe(3);
      await db.sql(`INSERT INTO server_domain (server_id, domain_id) VALUES (1, 3)`);
      const response = await autoconfig(app, 'z@late.legacy.example').expect(200);
      expect(response.text).toContain('<domain>late.legacy.example</domain>');
      expect(response.text).toContain('<hostname>smtp.legacy.example</hostname>');
    });
  });
});

/**
 * An automx2 database holding what `POST /initdb/` cannot write or now refuses (issue
 * 13): odd spellings, IDN names, legacy rows with ports 0, -1, 65536 and 70000, all by
 * plain SQL into automx2's own tables. Every answer of every format must configure
 * every client as the rows say and leave the unusable rows out, before and after the
 * migration, with one warning per such row.
 */
describe.each(ENGINE_DIALECTS)(
  'an automx2 database with rows seeding refuses, on %s',
  (dialect) => {
    describeDialect(dialect)('', () => {
      const engine = dialect as EngineDialect;
      const logLines: string[] = [];
      let db: TestDatabase;
      let app: TestApp;
      let answersBefore: string[];

      beforeAll(async () => {
        db = await createTestDatabase(dialect);
        for (const statement of [...automx2Ddl(engine), ...richDataStatements()]) {
          await db.sql(statement);
        }
        app = await startTestApp({ dbUri: db.dbUri, logLines });
      });

      afterAll(async () => {
        await app?.close();
        await db?.drop();
      });

      /** Every document for every domain and address, checked; UUIDs masked for comparing. */
      async function everyAnswer(): Promise<string[]> {
        const documents: string[] = [];
        for (const domain of RICH_DOMAINS) {
          for (const address of domain.addresses) {
            const config = await autoconfig(app, address);
            expect([config.status, config.headers['content-type']]).toEqual([
              200,
              'application/xml',
            ]);
            expectAutoconfigAsStored(config.text, domain);
            const pox = await request(app.url)
              .post('/autodiscover/autodiscover.xml')
              .set('Content-Type', 'text/xml; charset=utf-8')
              .send(outlookRequestXml(address));
            expect([pox.status, pox.headers['content-type']]).toEqual([200, 'application/xml']);
            expectAutodiscoverAsStored(pox.text, domain);
            const profile = await request(app.url)
              .get(`/mobileconfig/?emailaddress=${encodeURIComponent(address)}`)
              .buffer(true)
              .parse(binaryBody);
            const body = (profile.body as Buffer).toString('utf8');
            if (domain.profile === 'may-refuse' && profile.status === 400) {
              documents.push(`400 ${body}`);
            } else {
              expect([profile.status, profile.headers['content-type']]).toEqual([
                200,
                'application/x-apple-aspen-config',
              ]);
              expectProfileAsStored(body, domain, address);
              documents.push(body.replace(/\b[0-9a-f]{32}\b/g, '<uuid>'));
            }
            documents.push(config.text, pox.text);
          }
        }
        return documents;
      }

      it('answers every format from the tables before any migration, as the rows say', async () => {
        answersBefore = await everyAnswer();
      });

      it('gives the same answers after GET /initdb/ has migrated', async () => {
        const response = await request(app.url).get('/initdb/').expect(200);
        expect(response.text).toContain('Database already contains provider data.');
        expect(await everyAnswer()).toEqual(answersBefore);
      });

      it('has warned exactly once about each row with a port outside 1–65535, naming it', () => {
        for (const { name } of leftOutRows()) {
          const warnings = logLines.filter(
            (line) => line.includes('WARNING') && line.includes(name),
          );
          expect([name, warnings.length]).toEqual([name, 1]);
        }
      });
    });
  },
);
