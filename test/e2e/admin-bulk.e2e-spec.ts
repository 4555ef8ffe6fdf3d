import type { ExportDocument } from '../../src/provisioning/export-format';
import { startAdminApp, type AdminTestApp } from '../support/admin-app';
import { createCli, type Cli } from '../support/admin-cli';
import {
  davServer,
  exportDocument,
  generatedExport,
  imapServer,
  ldapServer,
  smtpServer,
} from '../support/admin-documents';
import { expectError, expectJson, expectRefused } from '../support/admin-expect';
import { ensureBuilt } from '../support/dist';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import {
  createTestDatabase,
  describeDialect,
  ENGINE_DIALECTS,
  type TestDatabase,
} from '../support/test-databases';

/**
 * The admin API's bulk routes against the operator's CLI (docs/admin-api.md, "Bulk"):
 * `POST /import?mode=merge|replace` with export and seeding documents leaves exactly
 * the rows `automx2-nest import --merge|--replace` leaves in a second database, refuses
 * the documents the CLI refuses with the same problems, and `GET /export` is byte for
 * byte what `automx2-nest export` writes.
 */

const IMPORT_LIMIT = 256 * 1024;

/** An export document: 40 generated domains and an IDN one, an LDAP server for half. */
function baseDocument(): ExportDocument {
  const { document } = generatedExport('bulk', 40);
  const idn = 'bücher-bulk.example';
  return {
    ...document,
    domains: [...document.domains, { name: idn, provider_id: 1, ldapserver_id: null }],
    servers: document.servers.map((server) => ({ ...server, domains: [...server.domains, idn] })),
  };
}

/** Replaces ten of the base domains (new servers, another provider) and adds five. */
function mergeDocument(): ExportDocument {
  const replaced = Array.from(
    { length: 10 },
    (_, index) => `bulk${String(index * 3).padStart(5, '0')}.example`,
  );
  const added = Array.from({ length: 5 }, (_, index) => `bulk-new${index}.example`);
  const names = [...replaced, ...added];
  return exportDocument({
    providers: [
      { id: 1, name: 'Generated bulk', short_name: 'Gen-bulk' },
      { id: 2, name: 'Merged Provider', short_name: 'Merged' },
    ],
    ldapservers: [{ id: 1, ...ldapServer('ldap2.bulk.example', { port: 389, use_ssl: false }) }],
    domains: names.map((name, index) => ({
      name,
      provider_id: index % 2 === 0 ? 2 : 1,
      ldapserver_id: index < 4 ? 1 : null,
    })),
    servers: [
      { ...imapServer('imap2.bulk.example', { prio: 5 }), domains: names },
      { ...smtpServer('smtp.bulk.example'), domains: names.slice(0, 7) },
      {
        ...smtpServer('smtp2.bulk.example', { port: 465, socket_type: 'SSL' }),
        domains: names.slice(7),
      },
    ],
    davservers: [
      { ...davServer('https://dav2.bulk.example/', { type: 'carddav' }), domains: added },
    ],
  });
}

/** A seeding document (version 2) unlike the others. */
const REPLACE_SEED = {
  version: 2,
  provider: 'Replacement Mail',
  domains: [{ name: 'replaced-one.example' }, { name: 'REPLACED-Two.example' }],
  servers: [
    { type: 'imap', name: 'imap.replaced.example', port: 143 },
    { type: 'smtp', name: 'smtp.replaced.example', port: 587, prio: 1 },
    { type: 'carddav', url: 'https://dav.replaced.example/%EMAILADDRESS%/' },
  ],
};

/** What the CLI said about each refused document (see cliRefusal). */
const cliRefusals = new Map<string, string[]>();

describe.each(ENGINE_DIALECTS)('admin API bulk import and export on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    let admin: AdminTestApp;
    /** The second database, written by the CLI only; read through an application of its own. */
    let other: TestDatabase;
    let reader: AdminTestApp;
    let cli: Cli;

    beforeAll(async () => {
      ensureBuilt();
      cli = createCli();
      other = await createTestDatabase(dialect);
      [admin, reader] = await Promise.all([
        startAdminApp(dialect, { admin: { importLimit: IMPORT_LIMIT } }),
        startAdminApp(dialect, { database: other }),
      ]);
    }, 200_000);

    afterAll(async () => {
      await Promise.all([admin?.close(), reader?.close()]);
      await other?.drop();
      cli?.remove();
    });

    /**
     * The problems `automx2-nest import` names for a refused document, one per line. The
     * CLI validates before it opens the database, so one run serves every engine.
     */
    async function cliRefusal(label: string, document: object): Promise<string[]> {
      const known = cliRefusals.get(label);
      if (known) return known;
      const file = cli.file('refused.json', document);
      const result = await cli.run(admin.db.dbUri, ['import', '--merge', file]);
      expect(result.code).toBe(1);
      const prefix = `error: ${file}: invalid: `;
      const problems = result.stderr
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line));
      cliRefusals.set(label, problems);
      return problems;
    }

    /** GET /export of the API's database. */
    const apiExport = () => admin.client.exportText();

    it.each([
      ['replace', 'an export document', () => JSON.stringify(baseDocument())],
      ['merge', 'a seeding document', () => SEED_EXAMPLE_JSON],
      ['merge', 'an export document', () => JSON.stringify(mergeDocument())],
      ['replace', 'a seeding document', () => JSON.stringify(REPLACE_SEED)],
      ['merge', 'an export document into different rows', () => JSON.stringify(mergeDocument())],
    ] as const)(
      'POST /import?mode=%s with %s leaves the rows `automx2-nest import` leaves',
      async (mode, _label, document) => {
        const text = document();
        const file = cli.file(`step-${mode}.json`, text);
        const [answer] = await Promise.all([
          admin.client.post(`/import?mode=${mode}`, text),
          cli.ok(other.dbUri, ['import', `--${mode}`, file]),
        ]);
        const summary = expectJson<unknown>(answer, 200);
        expect(typeof summary).toBe('object');
        const [viaApi, viaCli] = await Promise.all([apiExport(), reader.client.exportText()]);
        expect(JSON.parse(viaApi)).toMatchObject({ format: 'automx2-nest-export' });
        expect(viaApi).toBe(viaCli);
      },
    );

    it('GET /export is byte for byte what `automx2-nest export` writes, LDAP secrets and all', async () => {
      const text = JSON.stringify(baseDocument());
      expectJson(await admin.client.post('/import?mode=merge', text), 200);
      const [answer, exported] = await Promise.all([
        admin.client.get('/export'),
        cli.run(admin.db.dbUri, ['export']),
      ]);
      expect(answer.status).toBe(200);
      expect(String(answer.headers['content-type'])).toMatch(/^application\/json\b/);
      expect(exported.code).toBe(0);
      expect(answer.body.equals(Buffer.from(exported.stdout, 'utf8'))).toBe(true);
      expect(answer.text).toContain(ldapServer('x').bind_password!);
    });

    it.each([
      [
        'a seeding document with many problems',
        {
          version: 2,
          provider: 'Bad\u0001 Provider',
          domains: [{ name: 'bad.example' }, {}],
          servers: [
            { type: 'imap', name: 'imap.bad.example', port: 0 },
            { type: 'smtp' },
            { type: 'caldav', url: 'https://dav.bad.example/', port: 65536 },
          ],
        },
      ],
      [
        'an export document with many problems',
        {
          ...baseDocument(),
          providers: [{ id: 1, name: 'x', short_name: 'x'.repeat(33) }],
          domains: [
            { name: 'a.example', provider_id: 2, ldapserver_id: null },
            { name: 'a.example', provider_id: 1, ldapserver_id: 7 },
          ],
          servers: [
            {
              ...imapServer('imap.bad.example', { port: '993' as unknown as number }),
              domains: ['b.example'],
            },
          ],
        },
      ],
      ['an old seeding document', { provider: 'Old', domains: ['x.example'], servers: [] }],
      [
        'an export document of another format',
        { ...baseDocument(), format: 'other', export_version: 9 },
      ],
    ])(
      'refuses %s as the CLI does, naming every problem; nothing changes',
      async (label, document) => {
        const before = await apiExport();
        const cliProblems = await cliRefusal(label, document);
        expect(cliProblems.length).toBeGreaterThan(0);
        for (const mode of ['merge', 'replace']) {
          const answer = await admin.client.post(`/import?mode=${mode}`, document);
          expect({ mode, problems: expectRefused(answer) }).toEqual({
            mode,
            problems: cliProblems,
          });
        }
        expect(await apiExport()).toBe(before);
      },
    );

    it('refuses what is not a document: malformed JSON, a missing or wrong mode, another media type', async () => {
      const before = await apiExport();
      const body = JSON.stringify(baseDocument());
      expectError(await admin.client.post('/import?mode=merge', '{"version": 2,'), 400);
      for (const query of [
        '',
        '?mode=',
        '?mode=MERGE',
        '?mode=append',
        '?mode=merge&mode=replace',
      ]) {
        const answer = await admin.client.post(`/import${query}`, body);
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        expectError(answer, 400);
      }
      for (const contentType of ['text/plain', 'application/octet-stream', null]) {
        expectError(await admin.client.post('/import?mode=merge', body, { contentType }), 415);
      }
      expect(await apiExport()).toBe(before);
    });

    it('takes bodies up to admin_import_limit (beyond body_limit), refuses larger ones with 413', async () => {
      const before = await apiExport();
      const tooLarge = JSON.stringify(generatedExport('huge', 3000).document);
      expect(tooLarge.length).toBeGreaterThan(IMPORT_LIMIT);
      expectError(await admin.client.post('/import?mode=merge', tooLarge), 413);
      expectError(await admin.client.post('/import?mode=replace', tooLarge), 413);
      expect(await apiExport()).toBe(before);

      const large = JSON.stringify(generatedExport('large', 600).document);
      expect(large.length).toBeGreaterThan(admin.app.config.bodyLimit);
      expect(large.length).toBeLessThan(IMPORT_LIMIT);
      const answer = await admin.client.post('/import?mode=merge', large);
      expectJson(answer, 200);
      const after = JSON.parse(await apiExport()) as ExportDocument;
      expect(after.domains.filter((domain) => domain.name.startsWith('large'))).toHaveLength(600);
    });
  });
});
