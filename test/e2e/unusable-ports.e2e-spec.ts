import request from 'supertest';
import { binaryBody } from '../support/binary-body';
import { outlookRequestXml } from '../support/fixtures';
import { useAppOnDatabase } from '../support/test-app';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * Rows written before seeding refused them (or by hand) can hold ports no client can
 * use. K-9 fails the whole document over one of them, so such a server is left out of
 * every answer, and the log says so once per server, not once per request.
 */

const SEED = JSON.stringify({
  version: 2,
  provider: 'Legacy Ports',
  domains: [{ name: 'ports.example' }],
  servers: [
    { type: 'imap', name: 'zero.ports.example', port: 993 },
    { type: 'imap', name: 'imap.ports.example', port: 993, prio: 20 },
    { type: 'smtp', name: 'huge.ports.example', port: 465 },
    { type: 'smtp', name: 'smtp.ports.example', port: 587, prio: 20 },
    { type: 'caldav', url: 'https://negative.ports.example/', port: 443 },
  ],
});

const WARNING = /outside 1-65535: left out of every answer/;

for (const dialect of ENGINE_DIALECTS) {
  describeDialect(dialect)(`servers with unusable ports on ${dialect}`, () => {
    const logLines: string[] = [];
    // No settings cache: every request reads the rows again, so "once" is the logger's.
    const ctx = useAppOnDatabase(dialect, {
      logLines,
      config: { settingsCache: { ttlMs: 0, maxEntries: 1, maxBytes: 1 } },
    });

    beforeAll(async () => {
      await request(ctx.app.url)
        .post('/initdb/')
        .set('Content-Type', 'application/json')
        .send(SEED)
        .expect(200);
      await ctx.db.sql("UPDATE server SET port = 0 WHERE name = 'zero.ports.example'");
      await ctx.db.sql("UPDATE server SET port = 70000 WHERE name = 'huge.ports.example'");
      await ctx.db.sql(
        "UPDATE davserver SET port = -1 WHERE url = 'https://negative.ports.example/'",
      );
    });

    const autoconfig = () =>
      request(ctx.app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'a@ports.example' })
        .expect(200);
    const autodiscover = () =>
      request(ctx.app.url)
        .post('/autodiscover/autodiscover.xml')
        .set('Content-Type', 'text/xml')
        .send(outlookRequestXml('a@ports.example'))
        .expect(200);
    const mobileconfig = () =>
      request(ctx.app.url)
        .get('/mobileconfig/')
        .query({ emailaddress: 'a@ports.example' })
        .buffer(true)
        .parse(binaryBody)
        .expect(200);

    it('leaves the servers out of every answer and keeps the others', async () => {
      const documents = [
        (await autoconfig()).text,
        (await autodiscover()).text,
        ((await mobileconfig()).body as Buffer).toString('utf8'),
      ];
      for (const document of documents) {
        expect(document).not.toContain('zero.ports.example');
        expect(document).not.toContain('huge.ports.example');
        expect(document).not.toContain('negative.ports.example');
        expect(document).toContain('imap.ports.example');
        expect(document).toContain('smtp.ports.example');
      }
      expect(documents[0]).not.toMatch(/<port>(0|70000)<\/port>/);
    });

    it('logs one warning per server, however many requests read it', async () => {
      for (let i = 0; i < 3; i++) {
        await autoconfig();
        await autodiscover();
        await mobileconfig();
      }
      const warnings = logLines.filter((line) => WARNING.test(line));
      expect(warnings).toHaveLength(3);
      expect(warnings.find((line) => line.includes('zero.ports.example'))).toMatch(/port 0,/);
      expect(warnings.find((line) => line.includes('huge.ports.example'))).toMatch(/port 70000,/);
      expect(warnings.find((line) => line.includes('negative.ports.example'))).toMatch(/port -1,/);
      expect(warnings.every((line) => /WARN/i.test(line))).toBe(true);
    });
  });
}
