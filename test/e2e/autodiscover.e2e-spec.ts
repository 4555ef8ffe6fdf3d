import { request as httpRequest } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { checkMobilesyncError, checkThunderbirdAutodiscover } from '../clients/autodiscover-rules';
import { checkOutlookResponseStructure } from '../clients/outlook-response-structure';
import {
  expectAutodiscoverAsStored,
  loadRichData,
  RICH_DOMAINS,
  type RichDomain,
} from '../clients/rich-data';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, useAppOnDatabase, type TestApp } from '../support/test-app';
import { ENGINE_DIALECTS, describeDialect } from '../support/test-databases';

// Spelled out here rather than imported from the product code.
const OUTLOOK_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const OUTLOOK_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const MOBILESYNC_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

const PATH = '/autodiscover/autodiscover.xml';
const HEX = '[0-9a-f]{32}';
const MISSING_ADDRESS = 'Missing request argument "EMailAddress"';

// ---- request bodies ---------------------------------------------------------------------

function outlookRequest(address: string): string {
  return (
    `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request>` +
    `<EMailAddress>${address}</EMailAddress>` +
    `<AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>` +
    '</Request></Autodiscover>'
  );
}

/** What Thunderbird sends: a declaration, indentation, newlines around the address. */
function prettyOutlookRequest(address: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">\n` +
    '  <Request>\n' +
    `    <EMailAddress>\n      ${address}\n    </EMailAddress>\n` +
    `    <AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>\n` +
    '  </Request>\n' +
    '</Autodiscover>\n'
  );
}

/** What iOS / Android Exchange setup and the new Outlook send. */
function mobilesyncRequest(address: string | null): string {
  const element = address === null ? '' : `<EMailAddress>${address}</EMailAddress>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${MOBILESYNC_REQUEST_NS}">` +
    `<Request>${element}` +
    `<AcceptableResponseSchema>${MOBILESYNC_RESPONSE_NS}</AcceptableResponseSchema>` +
    '</Request></Autodiscover>'
  );
}

function billionLaughs(): string {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) {
    entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  }
  return (
    `<?xml version="1.0"?><!DOCTYPE Autodiscover [${entities.join('')}]>` +
    outlookRequest('&lol9;@example.com')
  );
}

function externalEntity(): string {
  return (
    '<?xml version="1.0"?><!DOCTYPE Autodiscover [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
    outlookRequest('&xxe;@example.com')
  );
}

// ---- helpers --------------------------------------------------------------------------------

const post = (app: TestApp, body: string | Buffer, contentType = 'text/xml; charset=utf-8') =>
  request(app.url).post(PATH).set('Content-Type', contentType).send(body);

/** A POST without any Content-Type header (supertest would add one). */
function postWithoutContentType(
  app: TestApp,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}${PATH}`, {
      method: 'POST',
      headers: { 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
    });
    req.end(body);
  });
}

/** A Protocol element as its children's texts, by element name. */
type Protocol = Readonly<Record<string, string>>;

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'Protocol' });

/**
 * Checks a 200 Outlook answer the way clients read it (Thunderbird's rules and the
 * MS-OXDSCLI shape) and returns its Protocol elements as records of their text.
 */
function outlookProtocols(response: request.Response): Protocol[] {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/xml');
  expect(checkThunderbirdAutodiscover(response.text)).toEqual([]);
  expect(checkOutlookResponseStructure(response.text)).toEqual([]);
  const document = parser.parse(response.text) as {
    Autodiscover: { Response: { Account: { Protocol?: Record<string, unknown>[] } } };
  };
  return (document.Autodiscover.Response.Account.Protocol ?? []).map((protocol) =>
    Object.fromEntries(Object.entries(protocol).map(([key, value]) => [key, String(value)])),
  );
}

function expectMobilesyncError(response: request.Response, code: 600 | 601): void {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/xml');
  expect(checkMobilesyncError(response.text)).toEqual([]);
  expect(response.text).toContain(`<ErrorCode>${code}</ErrorCode>`);
}

function expectTextError(response: request.Response, status: number, text?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  if (text !== undefined) expect(response.text).toBe(text);
}

async function loadSampleData(app: TestApp): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url).get('/initdb/').expect(200);
}

async function loadSeedExample(app: TestApp): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url)
    .post('/initdb/')
    .set('Content-Type', 'application/json')
    .send(SEED_EXAMPLE_JSON)
    .expect(200);
}

// ---- stored data on every engine -------------------------------------------------------------

describe.each(ENGINE_DIALECTS)('POST /autodiscover/autodiscover.xml on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAppOnDatabase(dialect);

    describe('sample data (GET /initdb/)', () => {
      beforeAll(async () => {
        await loadSampleData(ctx.app);
      });

      it('answers user@example.com with SMTP, IMAP (prio, id order), then CalDAV and CardDAV', async () => {
        const protocols = outlookProtocols(await post(ctx.app, outlookRequest('user@example.com')));
        expect(protocols).toHaveLength(4);
        const [smtp, imap, caldav, carddav] = protocols;
        expect(smtp).toEqual({
          Type: 'SMTP',
          Server: expect.stringMatching(new RegExp(`^primary-smtp\\.${HEX}\\.com$`)),
          Port: '587',
          LoginName: 'user@example.com',
          // STARTTLS: SSL on, or Thunderbird would use no encryption at all.
          SSL: 'on',
          Encryption: 'TLS',
          SPA: 'off',
        });
        expect(imap).toEqual({
          Type: 'IMAP',
          Server: expect.stringMatching(new RegExp(`^imap1\\.${HEX}\\.com$`)),
          Port: '143',
          LoginName: 'user@example.com',
          // STARTTLS: SSL on, or Thunderbird would use no encryption at all.
          SSL: 'on',
          Encryption: 'TLS',
          SPA: 'off',
        });
        expect(caldav).toEqual({
          Type: 'CalDAV',
          Server: expect.stringMatching(new RegExp(`^https://caldav\\.${HEX}\\.com$`)),
          Port: '443',
          SSL: 'on',
          DomainRequired: 'off',
          LoginName: 'user@example.com',
        });
        expect(carddav).toEqual({
          Type: 'CardDAV',
          Server: expect.stringMatching(new RegExp(`^http://carddav\\.${HEX}\\.com$`)),
          SSL: 'off',
          DomainRequired: 'on',
        });
      });

      it('answers example.org with its own servers (SMTP, POP3) and no DAV', async () => {
        const protocols = outlookProtocols(await post(ctx.app, outlookRequest('x@example.org')));
        expect(protocols.map((p) => p.Type)).toEqual(['SMTP', 'POP3']);
        expect(protocols[1]?.Server).toMatch(new RegExp(`^pop1\\.${HEX}\\.com$`));
      });

      it('answers a domain without servers with AccountType and Action only', async () => {
        const response = await post(ctx.app, outlookRequest('someone@serverless.tld'));
        expect(outlookProtocols(response)).toEqual([]);
        expect(response.text).toContain(
          '<Account><AccountType>email</AccountType><Action>settings</Action></Account>',
        );
      });

      it('refuses a domain with a server of an invalid type (400)', async () => {
        const response = await post(ctx.app, outlookRequest('someone@ham-n-eggs.tld'));
        expectTextError(response, 400);
        expect(response.text).not.toMatch(/INVALID|ham-n-eggs|SELECT/i);
      });

      it('answers an unknown domain with 204 and no body', async () => {
        const response = await post(ctx.app, outlookRequest('someone@unknown.example'));
        expect(response.status).toBe(204);
        expect(response.text).toBe('');
      });
    });

    describe('seed-example.json', () => {
      beforeAll(async () => {
        await loadSeedExample(ctx.app);
      });

      it('interleaves mail servers by prio, then id', async () => {
        const protocols = outlookProtocols(await post(ctx.app, outlookRequest('me@example.com')));
        expect(protocols.map((p) => `${p.Type} ${p.Server} ${p.Port}`)).toEqual([
          'SMTP submission.example.com 587',
          'IMAP imap.example.com 993',
          'POP3 pop.example.com 995',
          'SMTP smtp.example.com 465',
          'IMAP imap-starttls.example.com 143',
          'CalDAV https://dav.example.com/calendars/%EMAILADDRESS%/ 443',
          'CardDAV https://dav.example.com/addressbooks/%EMAILADDRESS%/ undefined',
        ]);
        expect(protocols[0]).toMatchObject({ SSL: 'on', Encryption: 'TLS' });
        expect(protocols[1]).toMatchObject({ SSL: 'on', Encryption: 'SSL' });
        // Only LoginName is expanded, DAV URLs stay as stored.
        expect(protocols[5]).toMatchObject({
          SSL: 'on',
          DomainRequired: 'on',
          LoginName: 'me@example.com',
        });
      });

      it.each([
        ['a Unicode IDN domain', 'jörg@bücher.example'],
        ['the punycode form of the same domain', 'jörg@xn--bcher-kva.example'],
        ['an upper-case domain', 'User@EXAMPLE.COM'],
        ['+ addressing', 'first+tag@example.org'],
      ])('answers %s with the address as given in LoginName', async (_name, address) => {
        const protocols = outlookProtocols(await post(ctx.app, outlookRequest(address)));
        expect(protocols).toHaveLength(7);
        for (const protocol of protocols) {
          if (protocol.Type !== 'CardDAV') expect(protocol.LoginName).toBe(address);
        }
      });

      it('answers 601 to a mobilesync request for a configured domain', async () => {
        const response = await post(ctx.app, mobilesyncRequest('me@example.com'));
        expectMobilesyncError(response, 601);
        expect(response.text).toContain('<EMailAddress>me@example.com</EMailAddress>');
      });
    });

    describe('rich data written with plain SQL (issue 13)', () => {
      beforeAll(() => loadRichData(ctx.app, ctx.db));

      /** POSTs an Outlook request: 200 application/xml, checked against the rows. */
      async function richAnswer(domain: RichDomain, address: string): Promise<Protocol[]> {
        const response = await post(ctx.app, outlookRequest(address));
        expect([response.status, response.headers['content-type']]).toEqual([
          200,
          'application/xml',
        ]);
        expectAutodiscoverAsStored(response.text, domain);
        // Not outlookProtocols: without the rows, its checker cannot allow SPA on for NTLM.
        const document = parser.parse(response.text) as {
          Autodiscover: { Response: { Account: { Protocol?: Record<string, unknown>[] } } };
        };
        return (document.Autodiscover.Response.Account.Protocol ?? []).map((protocol) =>
          Object.fromEntries(Object.entries(protocol).map(([key, value]) => [key, String(value)])),
        );
      }

      const domainNamed = (name: string) => RICH_DOMAINS.find((domain) => domain.name === name)!;

      it.each(RICH_DOMAINS.map((domain) => [domain.name, domain.about, domain] as const))(
        '%s (%s): Thunderbird and Outlook read the rows, for every spelling of the address',
        async (_name, _about, domain) => {
          for (const address of domain.addresses) await richAnswer(domain, address);
        },
      );

      it('sockets.example: SSL on for ssl, Starttls, AUTO, starttls and Ssl; Encryption as Outlook reads it', async () => {
        const protocols = await richAnswer(domainNamed('sockets.example'), 'user@sockets.example');
        expect(
          protocols.map((p) => [p.Type, p.Server, p.Port, p.SSL, p.Encryption, p.SPA]),
        ).toEqual([
          ['IMAP', 'imap-ssl.sockets.example', '993', 'on', 'SSL', 'off'],
          ['SMTP', 'smtp-starttls.sockets.example', '587', 'on', 'TLS', 'off'],
          ['IMAP', 'imap-starttls.sockets.example', '143', 'on', 'TLS', 'off'],
          ['SMTP', 'smtp-ssl.sockets.example', '465', 'on', 'SSL', 'off'],
          ['IMAP', 'imap-auto.sockets.example', '143', 'on', 'Auto', 'off'],
          [
            'CalDAV',
            'https://dav.sockets.example/calendars/%EMAILADDRESS%/',
            '443',
            'on',
            undefined,
            undefined,
          ],
          [
            'CardDAV',
            'http://dav.sockets.example:8080/cards/',
            undefined,
            'off',
            undefined,
            undefined,
          ],
        ]);
      });

      it('Legacy-Auth.Example: SSL off only for the none and plain servers', async () => {
        const protocols = await richAnswer(
          domainNamed('Legacy-Auth.Example'),
          'user@legacy-auth.example',
        );
        expect(protocols.map((p) => [p.Type, p.Port, p.SSL])).toEqual([
          ['IMAP', '143', 'off'],
          ['POP3', '110', 'off'],
          ['SMTP', '25', 'off'],
          ['SMTP', '587', 'on'],
        ]);
        expect(protocols[0]?.Server?.toLowerCase()).toBe('imap-none.legacy-auth.example');
      });

      it('münchen.example: Server and DAV URLs in ASCII (A-labels, percent-encoded path)', async () => {
        const domain = domainNamed('münchen.example');
        for (const address of domain.addresses) {
          const protocols = await richAnswer(domain, address);
          expect(protocols.map((p) => p.Server)).toEqual([
            'imap.xn--bcher-kva.example',
            'smtp.xn--bcher-kva.example',
            'https://kalender.xn--bcher-kva.example/kalender/%EMAILADDRESS%/stra%C3%9Fe/',
            'https://dav.example.net/adressb%C3%BCcher/%EMAILLOCALPART%/',
          ]);
          // LoginName is the address as asked for.
          expect(protocols[0]?.LoginName).toBe(address);
        }
      });

      it('ports.example: rows with ports 0, -1, 65536 and 70000 are not in the answer at all', async () => {
        const domain = domainNamed('ports.example');
        const response = await post(ctx.app, outlookRequest('user@ports.example'));
        const protocols = await richAnswer(domain, 'user@ports.example');
        expect(protocols.map((p) => `${p.Type} ${p.Server} ${p.Port}`)).toEqual([
          'IMAP imap.ports.example 993',
          'SMTP smtp.ports.example 587',
        ]);
        expect(response.text).not.toMatch(/port0|port70000|port65536|negative|dav-port70000/);
      });
    });
  });
});

// ---- the request handling, on both adapters --------------------------------------------------

const ADAPTERS: readonly HttpAdapterName[] = ['fastify', 'express'];
const SECRET = 'Tr0ub4dor&3-secret';
const AUTHORIZATION = `Basic ${Buffer.from(`user@example.com:${SECRET}`).toString('base64')}`;

describe.each(ADAPTERS)('Autodiscover POX requests on %s (sqlite-memory)', (adapter) => {
  let app: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ adapter, config: { loglevel: 'DEBUG' }, logLines });
    await loadSampleData(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('paths and content types', () => {
    it.each([
      '/autodiscover/autodiscover.xml',
      '/Autodiscover/Autodiscover.xml',
      '/AutoDiscover/AutoDiscover.xml',
      '/AUTODISCOVER/AUTODISCOVER.XML',
      '/autodiscover/autodiscover.xml/',
    ])('answers on %s', async (path) => {
      const response = await request(app.url)
        .post(path)
        .set('Content-Type', 'text/xml')
        .send(outlookRequest('user@example.com'));
      expect(outlookProtocols(response)).toHaveLength(4);
    });

    it.each([
      'text/xml; charset=utf-8',
      'application/xml',
      'TEXT/XML',
      'application/xml;charset="UTF-8"',
    ])('accepts Content-Type %s', async (contentType) => {
      const response = await post(app, outlookRequest('user@example.com'), contentType);
      expect(outlookProtocols(response)).toHaveLength(4);
    });

    it.each(['application/json', 'text/plain', 'application/x-www-form-urlencoded'])(
      'refuses Content-Type %s with 400',
      async (contentType) => {
        const response = await post(app, outlookRequest('user@example.com'), contentType);
        expectTextError(response, 400, 'Unexpected content type');
      },
    );

    it('refuses a request without Content-Type with 400, as upstream', async () => {
      const response = await postWithoutContentType(app, outlookRequest('user@example.com'));
      expect(response).toEqual({ status: 400, text: 'Unexpected content type' });
    });

    it('answers GET with 405 and Allow: POST, OPTIONS', async () => {
      const response = await request(app.url).get('/Autodiscover/Autodiscover.xml');
      expectTextError(response, 405);
      expect(response.headers.allow).toBe('POST, OPTIONS');
    });

    it('answers OPTIONS with Allow', async () => {
      const response = await request(app.url).options(PATH);
      expect([200, 204]).toContain(response.status);
      expect(response.headers.allow).toBe('POST, OPTIONS');
    });
  });

  describe('bodies clients send', () => {
    it('reads a pretty-printed body with a declaration and whitespace around the address', async () => {
      const protocols = outlookProtocols(await post(app, prettyOutlookRequest('user@example.com')));
      expect(protocols.map((p) => p.LoginName)).toEqual([
        'user@example.com',
        'user@example.com',
        'user@example.com',
        undefined,
      ]);
    });

    it('answers despite an Authorization header and never logs the password', async () => {
      logLines.length = 0;
      const response = await post(app, outlookRequest('user@example.com')).set(
        'Authorization',
        AUTHORIZATION,
      );
      expect(outlookProtocols(response)).toHaveLength(4);
      expect(response.text).not.toContain(SECRET);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logLines.some((line) => line.includes(PATH))).toBe(true);
      for (const line of logLines) {
        expect(line).not.toContain(SECRET);
        expect(line).not.toContain(AUTHORIZATION.slice('Basic '.length));
      }
    });

    it('answers an unknown domain with 204', async () => {
      const response = await post(app, outlookRequest('a@unknown.example'));
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
    });

    it('refuses an address that is not local@domain with 400', async () => {
      expectTextError(await post(app, outlookRequest('no-at-sign')), 400);
      expectTextError(await post(app, outlookRequest('a@b@example.com')), 400);
    });
  });

  describe('bodies without an address', () => {
    it.each([
      [
        'a wrong namespace',
        outlookRequest('user@example.com').replace(OUTLOOK_REQUEST_NS, 'urn:x'),
      ],
      ['<ham/>', '<ham/>'],
      ['an empty EMailAddress', outlookRequest('  ')],
    ])('refuses %s: 400 naming EMailAddress', async (_name, body) => {
      expectTextError(await post(app, body), 400, MISSING_ADDRESS);
    });
  });

  describe('hostile and broken bodies', () => {
    it('refuses an empty body', async () => {
      expectTextError(await post(app, ''), 400);
    });

    it('refuses invalid UTF-8', async () => {
      const body = Buffer.concat([
        Buffer.from(outlookRequest('user').replace('</EMailAddress>', '')),
        Buffer.from([0xff, 0xc3, 0x28]),
        Buffer.from('@example.com</EMailAddress>'),
      ]);
      expectTextError(await post(app, body), 400);
    });

    it('refuses malformed XML', async () => {
      expectTextError(await post(app, outlookRequest('user@example.com').slice(0, -10)), 400);
    });

    it.each([
      ['billion laughs', billionLaughs],
      ['an external entity', externalEntity],
    ])('refuses %s fast, without growing memory', async (_name, document) => {
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const response = await post(app, document());
      expect(Date.now() - started).toBeLessThan(2000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
      expectTextError(response, 400);
      expect(response.text).not.toContain('root:');
    });

    it('refuses a 1 MiB body with 413', async () => {
      const padding = '<!-- padding -->'.repeat(Math.ceil((1024 * 1024) / 16));
      const body = outlookRequest('user@example.com').replace('<Request>', `<Request>${padding}`);
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
      expectTextError(await post(app, body), 413);
    });
  });

  describe('mobilesync (ActiveSync) requests', () => {
    it.each(['user@example.com', 'someone@unknown.example', 'someone@ham-n-eggs.tld'])(
      'answers %s with the 601 document, HTTP 200',
      async (address) => {
        const response = await post(app, mobilesyncRequest(address));
        expectMobilesyncError(response, 601);
        expect(response.text).toContain(`<EMailAddress>${address}</EMailAddress>`);
      },
    );

    it('answers 601 when an Outlook-namespace request asks for the mobilesync schema', async () => {
      const body = outlookRequest('user@example.com').replace(
        OUTLOOK_RESPONSE_NS,
        MOBILESYNC_RESPONSE_NS,
      );
      expectMobilesyncError(await post(app, body), 601);
    });

    it.each([
      ['no address', null],
      ['an empty address', ''],
      ['an invalid address', 'not-an-address'],
    ])('answers %s with the 600 document, HTTP 200', async (_name, address) => {
      const response = await post(app, mobilesyncRequest(address), 'application/xml');
      expectMobilesyncError(response, 600);
      expect(response.text).not.toContain('<User>');
    });
  });
});
