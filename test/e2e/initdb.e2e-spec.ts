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

    it('POST on a populated database ignores the body', async () => {
      await request(ctx.app.url).get('/initdb/').expect(200);
      const response = await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send('{"version": 3}')
        .expect(200);
      expect(response.text).toBe(ALREADY);
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
