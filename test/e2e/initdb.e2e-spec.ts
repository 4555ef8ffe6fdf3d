import request from 'supertest';
import { ALL_DIALECTS, describeDialect } from '../support/test-databases';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, useAppOnDatabase, type TestApp } from '../support/test-app';

const SEED_EXAMPLE = SEED_EXAMPLE_JSON;
const PREPARED =
  '<html><body>Database is now prepared. <a href="/">Click here</a> to go back.</body></html>';
const ALREADY =
  '<html><body>Database already contains provider data. <a href="/">Click here</a> to go back.</body></html>';
const PURGED =
  '<html><body>Database content purged. <a href="/">Click here</a> to go back.</body></html>';

interface SeedDocument {
  provider: string;
  domains: { name: string }[];
  servers: { type: string; name?: string; url?: string; port?: number }[];
  ldapservers?: Record<string, unknown>[];
}

const autoconfig = (app: TestApp, address: string) =>
  request(app.url).get('/mail/config-v1.1.xml').query({ emailaddress: address });

describe.each(ALL_DIALECTS)('/initdb/ on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAppOnDatabase(dialect);

    beforeEach(async () => {
      await request(ctx.app.url).delete('/initdb/').expect(200);
    });

    it('GET creates the tables, loads the sample data once, then says so', async () => {
      const first = await request(ctx.app.url).get('/initdb/').expect(200);
      expect(first.headers['content-type']).toMatch(/^text\/html/);
      expect(first.text).toBe(PREPARED);
      const second = await request(ctx.app.url).get('/initdb/').expect(200);
      expect(second.text).toBe(ALREADY);
      const xml = await autoconfig(ctx.app, 'user@example.com').expect(200);
      expect(xml.text).toContain('<displayName>Big Corporation, Inc.</displayName>');
    });

    it('/initdb redirects to /initdb/ with 308', async () => {
      const response = await request(ctx.app.url).get('/initdb?x=1').expect(308);
      expect(response.headers.location).toBe('/initdb/?x=1');
    });

    it('POST loads seed-example.json', async () => {
      const response = await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(SEED_EXAMPLE)
        .expect(200);
      expect(response.text).toBe(PREPARED);
      const xml = await autoconfig(ctx.app, 'someone@example.org').expect(200);
      expect(xml.text).toContain('<displayName>Example Mail Services</displayName>');
      expect(xml.text).toContain('<displayShortName>Example</displayShortName>');
      expect(xml.text).toContain('<hostname>submission.example.com</hostname>');
      // The IDN domain is found in both spellings.
      await autoconfig(ctx.app, 'a@bücher.example').expect(200);
      await autoconfig(ctx.app, 'a@xn--bcher-kva.example').expect(200);
    });

    it('POST on a populated database validates the body first, then keeps the data', async () => {
      await request(ctx.app.url).get('/initdb/').expect(200);
      const post = (body: string) =>
        request(ctx.app.url).post('/initdb/').set('Content-Type', 'application/json').send(body);
      const wrongVersion = await post('{"version": 3}').expect(400);
      expect(wrongVersion.text).toMatch(/^version: /);
      const bad = JSON.parse(SEED_EXAMPLE) as { servers: { type: string; port?: number }[] };
      bad.servers[0]!.port = 0;
      const badPort = await post(JSON.stringify(bad)).expect(400);
      expect(badPort.text).toBe('servers[0].port: must be a port number from 1 to 65535');
      await post('{not json').expect(400);
      // A valid document, and {} / null (the sample data): automx2's answer, nothing loaded.
      for (const body of [SEED_EXAMPLE, '{}', 'null']) await post(body).expect(200, ALREADY);
      // Still the sample data: seed-example.json's IDN domain was not loaded.
      await autoconfig(ctx.app, 'a@bücher.example').expect(204);
      const xml = await autoconfig(ctx.app, 'user@example.com').expect(200);
      expect(xml.text).toContain('<displayName>Big Corporation, Inc.</displayName>');
    });

    it.each(['{}', 'null'])('a falsy body (%s) loads the sample data', async (body) => {
      await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(200, PREPARED);
      await autoconfig(ctx.app, 'user@example.net').expect(200);
    });

    it('a document that fails validation names the field and changes nothing', async () => {
      const bad = JSON.parse(SEED_EXAMPLE) as { servers: { type: string; name?: string }[] };
      bad.servers.push({ type: 'smtp' });
      const response = await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(bad))
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toMatch(/^servers\[7\]\.name/);
      await autoconfig(ctx.app, 'someone@example.org').expect(204);
      // The database is still empty: GET can load the sample data.
      await request(ctx.app.url).get('/initdb/').expect(200, PREPARED);
    });

    it('a document the database refuses half-way leaves nothing behind', async () => {
      const doc = JSON.parse(SEED_EXAMPLE) as { servers: { type: string; name: string }[] };
      // Longer than server.name's 128 characters is refused by validation; a name that
      // fits the validator but not the column cannot exist, so use a duplicate domain
      // spelled in its two IDN forms, which only the database sees as the same row.
      doc.servers[0]!.name = 'imap.example.com';
      const response = await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            ...doc,
            domains: [{ name: 'example.com' }, { name: 'EXAMPLE.com' }],
          }),
        )
        .expect(400);
      expect(response.text).toMatch(/^domains\[1\]\.name: duplicate/);
      await request(ctx.app.url).get('/initdb/').expect(200, PREPARED);
    });

    /** POSTs seed-example.json as changed by `change`; returns the response. */
    const postChanged = (change: (doc: SeedDocument) => void) => {
      const doc = JSON.parse(SEED_EXAMPLE) as SeedDocument;
      change(doc);
      // JSON.stringify writes a lone surrogate as the escape \ud800, as a client would.
      return request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(doc));
    };

    /** Nothing was written: lookups find nothing and GET can still load the sample data. */
    const expectNothingStored = async () => {
      await autoconfig(ctx.app, 'someone@example.org').expect(204);
      await request(ctx.app.url).get('/initdb/').expect(200, PREPARED);
    };

    it.each([
      ['an IMAP port 0', 0, 0, 'servers[0].port: must be a port number from 1 to 65535'],
      ['an SMTP port 65536', 4, 65536, 'servers[4].port: must be a port number from 1 to 65535'],
      [
        'a CalDAV port -1',
        5,
        -1,
        'servers[5].port: must be a port number from 1 to 65535, or 0 for none',
      ],
    ])('%s is a 400 naming the field, and nothing is stored', async (_label, index, port, text) => {
      const response = await postChanged((doc) => (doc.servers[index]!.port = port)).expect(400);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toBe(text);
      await expectNothingStored();
    });

    it('keeps DAV port 0 ("not set") and the ports 1 and 65535', async () => {
      await postChanged((doc) => {
        doc.servers[0]!.port = 1;
        doc.servers[1]!.port = 65535;
        doc.servers[5]!.port = 0;
      }).expect(200, PREPARED);
      const xml = await autoconfig(ctx.app, 'someone@example.org').expect(200);
      expect(xml.text).toContain('<port>1</port>');
      expect(xml.text).toContain('<port>65535</port>');
    });

    it.each([
      [
        'U+0001 in the provider',
        (doc: SeedDocument) => (doc.provider = 'Example\u0001 Mail'),
        'provider: must not contain control characters (found U+0001)',
      ],
      [
        'a lone surrogate in a domain name',
        (doc: SeedDocument) => (doc.domains[2]!.name = 'b\uD800.example'),
        'domains[2].name: must not contain lone surrogates (found U+D800)',
      ],
      [
        'U+007F in a server name',
        (doc: SeedDocument) => (doc.servers[3]!.name = 'smtp\u007f.example.com'),
        'servers[3].name: must not contain control characters (found U+007F)',
      ],
      [
        'a line feed in a DAV URL',
        (doc: SeedDocument) => (doc.servers[6]!.url = 'https://dav.example.com/\n'),
        'servers[6].url: must not contain control characters (found U+000A)',
      ],
      [
        'a C1 control in an LDAP bind password',
        (doc: SeedDocument) =>
          (doc.ldapservers = [
            {
              id: 1,
              name: 'ldap.example.com',
              search_base: 'dc=example,dc=com',
              bind_user: 'cn=reader',
              bind_password: 'Top\u0085Secret',
            },
          ]),
        'ldapservers[0].bind_password: must not contain control characters',
      ],
    ])('%s is a 400 naming the field, and nothing is stored', async (_label, change, text) => {
      const response = await postChanged(change).expect(400);
      expect(response.text).toBe(text);
      await expectNothingStored();
    });

    it('stores astral characters and IDNs, and answers for them', async () => {
      await postChanged((doc) => (doc.provider = 'Bücher 😀 Mail')).expect(200, PREPARED);
      const xml = await autoconfig(ctx.app, 'a@bücher.example').expect(200);
      expect(xml.text).toContain('<displayName>Bücher 😀 Mail</displayName>');
    });

    it('refuses the old short form, naming version', async () => {
      const response = await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send({ provider: 'Old', domains: ['example.com'], servers: [] })
        .expect(400);
      expect(response.text).toMatch(/^version/);
    });

    it('refuses bodies that are not application/json', async () => {
      await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'text/plain')
        .send(SEED_EXAMPLE)
        .expect(415);
      await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send('{not json')
        .expect(400);
    });

    it('DELETE purges every row', async () => {
      await request(ctx.app.url).get('/initdb/').expect(200);
      await request(ctx.app.url).delete('/initdb/').expect(200, PURGED);
      await autoconfig(ctx.app, 'user@example.com').expect(204);
      await request(ctx.app.url).get('/initdb/').expect(200, PREPARED);
    });

    it('the root page links to a sample request once tables exist', async () => {
      const response = await request(ctx.app.url).get('/').expect(200);
      expect(response.text).toContain('/mail/config-v1.1.xml?emailaddress=user@example.com');
    });
  });
});

describe('/initdb/ before any table exists', () => {
  it('config routes answer 204 and the root page says to initialise', async () => {
    const app = await startTestApp({ dbUri: 'sqlite:///:memory:' });
    try {
      await autoconfig(app, 'user@example.com').expect(204);
      const root = await request(app.url).get('/').expect(200);
      expect(root.text).toContain('no tables yet');
    } finally {
      await app.close();
    }
  });
});
