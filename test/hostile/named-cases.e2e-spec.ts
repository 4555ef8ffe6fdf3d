import { createServer, type Server } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parsePlist, type PlistObject } from 'plist';
import { KNOWN_ROUTES } from '../../src/common/known-routes';
import type { HttpAdapterName } from '../../src/config/app-config';
import { rawExchange, rawRequest, targetOf, type RawResponse } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstPassOnly } from '../support/adapter-pass';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * Named hostile inputs (issue 7, item 2) against the real application on both adapters:
 * XML attacks (XXE with file and URL entities, external DTDs, billion laughs, quadratic
 * blow-up, 10^5 nesting levels), 10 MB bodies, invalid and overlong UTF-8, NUL and
 * CR/LF in addresses and in the Host header, 10,000-character local parts, path
 * traversal, every method on every route, placeholder text, and XML/plist
 * metacharacters in parameters and in stored names.
 */

const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
const QUICK_MS = 2000;
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const OUTLOOK_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';

/** Provider name full of XML metacharacters and placeholder text (short name: `<Ex&amp;"'>`). */
const HOSTILE_PROVIDER = `<Ex&amp;"'> ]]> <!-- %EMAILADDRESS% &#x26; \${x} Mail`;
const HOSTILE_DAV_URL = 'https://dav.example.com/cal/?a=1&b=<2>&c="3"';
const SEED = JSON.stringify({
  version: 2,
  provider: HOSTILE_PROVIDER,
  domains: [{ name: 'example.com' }, { name: 'example.org' }],
  servers: [
    { type: 'imap', name: 'imap.example.com' },
    { type: 'smtp', name: 'smtp.example.com' },
    { type: 'caldav', url: HOSTILE_DAV_URL },
  ],
});

const outlookRequest = (addressXml: string) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${OUTLOOK_NS}"><Request>` +
  `<EMailAddress>${addressXml}</EMailAddress>` +
  `<AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>` +
  '</Request></Autodiscover>';

/** A request as bytes: head as latin1 (raw, as written), body as given. */
function raw(
  method: string,
  target: string,
  options: { headers?: readonly string[]; body?: string | Buffer; host?: string } = {},
): Buffer {
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const lines = [
    `${method} ${target} HTTP/1.1`,
    `Host: ${options.host ?? 'autoconfig.example.com'}`,
    ...(options.headers ?? []),
  ];
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

const postXml = (body: string | Buffer, type = 'text/xml') =>
  raw('POST', '/autodiscover/autodiscover.xml', { headers: [`Content-Type: ${type}`], body });

/** One exchange that must end with a response quickly, never a 5xx. */
async function send(app: TestApp, request: Buffer, boundMs = QUICK_MS): Promise<RawResponse> {
  const started = Date.now();
  const response = await rawRequest(targetOf(app.url), request, { timeoutMs: boundMs + 2000 });
  const elapsed = Date.now() - started;
  const line = request.subarray(0, request.indexOf('\r\n')).toString('latin1');
  expect({ line, quick: elapsed < boundMs }).toEqual({ line, quick: true });
  expect({ line, status: response.statusCode }).toEqual({
    line,
    status: expect.any(Number) as unknown,
  });
  expect(response.statusCode).toBeLessThan(500);
  return response;
}

const text = (response: RawResponse) => response.body.toString('utf8');

/** No header line that was not the application's own (header injection). */
function expectNoInjectedHeader(response: RawResponse): void {
  for (const line of response.headerLines) {
    expect(line).toMatch(/^[A-Za-z0-9-]+: [^\r\n\0]*$/);
    expect(line.toLowerCase()).not.toContain('injected');
  }
}

/** A TCP listener that records whether anybody connected (XXE and external DTD fetches). */
async function listenForFetches(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Characters XML 1.0 cannot carry. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * Well-formed for any XML parser: fast-xml-parser's validator, no character XML cannot
 * carry, and no reference other than the predefined entities and character references
 * (the validator lets undefined entities such as `&foo;` through).
 */
function expectWellFormed(document: string): void {
  expect(XMLValidator.validate(document)).toBe(true);
  expect(document).not.toMatch(NOT_XML_CHAR);
  expect(document.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '')).not.toContain('&');
}

/**
 * plist.parse without @xmldom's console warning about U+FFFD, which the documents
 * rightly contain where a request carried bytes that were not UTF-8.
 */
function plistOf(document: string): PlistObject {
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return parsePlist(document) as PlistObject;
  } finally {
    quiet.mockRestore();
  }
}

const xml = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false });

describeOnce.each(ADAPTERS)('named hostile inputs on %s', (adapter) => {
  let app: TestApp;
  /** Same application with a 4 MiB body limit, so that huge XML reaches the reader. */
  let roomy: TestApp;
  const logLines: string[] = [];
  let fetches: Awaited<ReturnType<typeof listenForFetches>>;

  beforeAll(async () => {
    fetches = await listenForFetches();
    [app, roomy] = await Promise.all([
      startTestApp({ adapter, logLines }),
      startTestApp({ adapter, logLines, config: { bodyLimit: 4 * 1024 * 1024 } }),
    ]);
    const seeded = await send(
      app,
      raw('POST', '/initdb/', {
        headers: ['Content-Type: application/json'],
        body: SEED,
        host: 'localhost',
      }),
    );
    expect(text(seeded)).toContain('Database is now prepared');
  });

  afterAll(async () => {
    await Promise.all([app?.close(), roomy?.close(), fetches?.close()]);
  });

  afterEach(() => {
    expect(logLines.filter((line) => /\bERROR\b|\n\s+at /.test(line))).toEqual([]);
  });

  describe('XML attacks on POST /autodiscover/autodiscover.xml', () => {
    it.each([
      [
        'XXE, file entity',
        () =>
          `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${outlookRequest('&x;')}`,
      ],
      [
        'XXE, URL entity',
        () =>
          `<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:${fetches.port}/x">]>${outlookRequest('&x;')}`,
      ],
      [
        'external DTD',
        () =>
          `<!DOCTYPE Autodiscover SYSTEM "http://127.0.0.1:${fetches.port}/dtd">${outlookRequest('a@example.com')}`,
      ],
      [
        'parameter entity',
        () =>
          `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:${fetches.port}/p"> %p;]>${outlookRequest('a@example.com')}`,
      ],
      [
        'billion laughs',
        () => {
          const levels = ['<!ENTITY l0 "lol">'];
          for (let i = 1; i < 10; i += 1) {
            levels.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
          }
          return `<!DOCTYPE r [${levels.join('')}]>${outlookRequest('&l9;')}`;
        },
      ],
      [
        'quadratic blow-up (one 20 KB entity referenced 10,000 times)',
        () =>
          `<!DOCTYPE r [<!ENTITY a "${'x'.repeat(20_000)}">]>${outlookRequest('&a;'.repeat(10_000))}`,
      ],
      [
        'a DTD after leading whitespace and a comment',
        () =>
          `  \n<!-- hi --><!doctype r [<!entity x SYSTEM "file:///etc/passwd">]>${outlookRequest('&x;')}`,
      ],
      ['an undefined entity', () => outlookRequest('&x;@example.com')],
    ])('%s: 400, nothing fetched or expanded', async (_name, body) => {
      const before = fetches.connections();
      const response = await send(app, postXml(body()));
      expect(response.statusCode).toBe(400);
      expect(response.headers.get('content-type')?.[0]).toMatch(/^text\/plain/);
      expect(text(response)).not.toMatch(/root:|lol|xxxx/);
      expect(text(response).length).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fetches.connections()).toBe(before);
    });

    it('deeply nested XML (10^5 levels): 413 at the default limit, 400 when the body is allowed', async () => {
      const nested = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
      expect((await send(app, postXml(nested))).statusCode).toBe(413);
      const response = await send(roomy, postXml(nested));
      expect(response.statusCode).toBe(400);
      expect(text(response)).toBe('XML is nested too deeply');
      const inRequest = outlookRequest(
        `${'<x>'.repeat(100_000)}a@example.com${'</x>'.repeat(100_000)}`,
      );
      expect((await send(roomy, postXml(inRequest))).statusCode).toBe(400);
    });

    it('quadratic blow-up with a 1 MB entity referenced 100,000 times: refused as a DTD, quickly', async () => {
      const body = `<!DOCTYPE r [<!ENTITY a "${'x'.repeat(1_000_000)}">]>${outlookRequest('&a;'.repeat(100_000))}`;
      const response = await send(roomy, postXml(body));
      expect(response.statusCode).toBe(400);
      expect(text(response)).toBe('DTDs and entity declarations are not allowed');
    });

    it('a huge attribute, many attributes and a long text node are fine or refused, quickly', async () => {
      const bodies = [
        outlookRequest('a@example.com').replace(
          '<Request>',
          `<Request a="${'x'.repeat(1_000_000)}">`,
        ),
        outlookRequest('a@example.com').replace(
          '<Request>',
          `<Request ${Array.from({ length: 50_000 }, (_, i) => `a${i}="1"`).join(' ')}>`,
        ),
        outlookRequest(`${' '.repeat(1_000_000)}a@example.com`),
        `<Autodiscover xmlns="${OUTLOOK_NS}">${'<!-- c -->'.repeat(100_000)}</Autodiscover>`,
        `<Autodiscover xmlns="${OUTLOOK_NS}">${'<![CDATA['.repeat(50_000)}</Autodiscover>`,
      ];
      for (const body of bodies) {
        const response = await send(roomy, postXml(body));
        expect([200, 204, 400]).toContain(response.statusCode);
      }
    });
  });

  describe('10 MB bodies', () => {
    const TEN_MB = 10 * 1024 * 1024;

    it.each([
      ['/autodiscover/autodiscover.xml', 'text/xml'],
      ['/initdb/', 'application/json'],
      ['/mail/config-v1.1.xml', 'text/plain'],
    ])(
      'POST %s with Content-Length: 10 MB gets 413 quickly and the server survives',
      async (path, type) => {
        const head = `POST ${path} HTTP/1.1\r\nHost: autoconfig.example.com\r\nContent-Type: ${type}\r\nContent-Length: ${TEN_MB}\r\n\r\n`;
        const exchange = await rawExchange(
          targetOf(app.url),
          [Buffer.from(head, 'latin1'), Buffer.alloc(TEN_MB, 0x61)],
          { timeoutMs: 10_000, responses: 1 },
        );
        const status = exchange.data.toString('latin1').split('\r\n')[0];
        // A route that takes no body may say 405 before reading it; never more than a 4xx.
        expect(status).toMatch(
          path === '/mail/config-v1.1.xml' ? /^HTTP\/1\.1 4\d\d / : /^HTTP\/1\.1 413 /,
        );
        expect(exchange.elapsedMs).toBeLessThan(5000);
        expect((await send(app, raw('GET', '/healthz/live'))).statusCode).toBe(200);
      },
    );

    it('a chunked 10 MB body without Content-Length gets 413', async () => {
      const head =
        'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autoconfig.example.com\r\n' +
        'Content-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n';
      const chunk = Buffer.concat([
        Buffer.from(`${(1024 * 1024).toString(16)}\r\n`, 'latin1'),
        Buffer.alloc(1024 * 1024, 0x61),
        Buffer.from('\r\n', 'latin1'),
      ]);
      const exchange = await rawExchange(
        targetOf(app.url),
        [
          Buffer.from(head, 'latin1'),
          ...Array.from({ length: 10 }, () => chunk),
          Buffer.from('0\r\n\r\n'),
        ],
        { timeoutMs: 10_000, responses: 1 },
      );
      expect(exchange.data.toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
      expect((await send(app, raw('GET', '/healthz/live'))).statusCode).toBe(200);
    });
  });

  describe('encodings', () => {
    it.each([
      '%c0%ae%c0%ae%40example.com',
      '%c0%80%40example.com',
      '%ff%fe%40example.com',
      '%ed%a0%80%40example.com',
      '%f4%90%80%80%40example.com',
      'a%40example.com%c0',
      '%e0%80%af%40example.com',
      '%ef%bf%bf%40example.com',
      '%EMAILADDRESS%40example.com%',
      'a%2540example.com',
    ])('invalid or overlong UTF-8 in the query (%s): 204 or 400', async (value) => {
      for (const path of ['/mail/config-v1.1.xml', '/mobileconfig/']) {
        const response = await send(app, raw('GET', `${path}?emailaddress=${value}`));
        expect([200, 204, 400]).toContain(response.statusCode);
        if (response.statusCode === 200) {
          // Decoders give U+FFFD for bad bytes; the document stays well-formed.
          expectWellFormed(text(response));
        }
      }
    });

    it.each([
      ['an overlong "/" (C0 AF)', Buffer.from([0xc0, 0xaf])],
      ['a lone continuation byte', Buffer.from([0x80])],
      ['an encoded surrogate (ED A0 80)', Buffer.from([0xed, 0xa0, 0x80])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
      ['bytes above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
      ['a UTF-16 byte-order mark', Buffer.from([0xff, 0xfe])],
    ])('invalid UTF-8 in an Autodiscover body (%s): 400', async (_name, bytes) => {
      const [before, after] = outlookRequest('a|@example.com').split('|') as [string, string];
      const body = Buffer.concat([Buffer.from(before, 'utf8'), bytes, Buffer.from(after, 'utf8')]);
      const response = await send(app, postXml(body));
      expect(response.statusCode).toBe(400);
      expect(text(response)).toBe('Request body is not valid UTF-8');
    });

    it('invalid UTF-8 in a seeding document: 400', async () => {
      const body = Buffer.concat([
        Buffer.from('{"version": 2, "provider": "', 'utf8'),
        Buffer.from([0xc0, 0xae]),
        Buffer.from('"}'),
      ]);
      const response = await send(
        app,
        raw('POST', '/initdb/', {
          headers: ['Content-Type: application/json'],
          body,
          host: 'localhost',
        }),
      );
      expect(response.statusCode).toBe(400);
    });
  });

  describe('NUL, CR and LF', () => {
    it.each([
      'a%00b%40example.com',
      'a%40example.com%00',
      'a%0d%0aX-Injected:%201%40example.com',
      'a%40example.com%0d%0aX-Injected:%201',
      'a%0aX-Injected:%201%40example.com',
    ])('in the address (%s): 400 and no injected header', async (value) => {
      for (const path of ['/mail/config-v1.1.xml', '/mobileconfig/']) {
        const response = await send(
          app,
          raw('GET', `${path}?emailaddress=${value}&name=x%0d%0aX-Injected:%201`),
        );
        expect(response.statusCode).toBe(400);
        expectNoInjectedHeader(response);
      }
      const decoded = decodeURIComponent(value).replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const response = await send(app, postXml(outlookRequest(decoded)));
      expect(response.statusCode).toBe(400);
      expectNoInjectedHeader(response);
    });

    it('around the address: trimmed (BEHAVIOUR.md §2), the rest is text in a well-formed answer', async () => {
      const value = '%0d%0a%0d%0a%3chtml%3e%40example.com%0d%0a';
      const response = await send(app, raw('GET', `/mobileconfig/?emailaddress=${value}`));
      expect(response.statusCode).toBe(200);
      expectNoInjectedHeader(response);
      expectWellFormed(text(response));
      const [mail] = plistOf(text(response)).PayloadContent as PlistObject[];
      expect(mail?.EmailAddress).toBe('<html>@example.com');
    });

    it('in a mobilesync address: error 600, never a document carrying it', async () => {
      const body = `<Autodiscover xmlns="${MOBILESYNC_NS}"><Request><EMailAddress>a&#13;&#10;b@example.com</EMailAddress></Request></Autodiscover>`;
      const response = await send(app, postXml(body));
      expect(response.statusCode).toBe(200);
      expect(text(response)).toContain('<ErrorCode>600</ErrorCode>');
      expect(text(response)).not.toMatch(/a\r?\nb@/);
    });

    it.each([
      ['NUL', 'autoconfig.example.com\u0000x'],
      ['a bare CR', 'autoconfig.example.com\rX-Injected: 1'],
      ['a bare LF', 'autoconfig.example.com\nX-Injected: 1'],
      ['CR LF and a second line', 'autoconfig.example.com\r\nX-Injected: 1'],
      ['an encoded CR LF', 'autoconfig.example.com%0d%0aX-Injected:%201'],
      ['DEL', 'autoconfig.example.com\u007f'],
    ])('in the Host header (%s): no injected header in the answer', async (_name, host) => {
      for (const path of [
        '/.well-known/autoconfig/mail/config-v1.1.xml',
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
        '/initdb',
      ]) {
        const exchange = await rawExchange(
          targetOf(app.url),
          `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        );
        const answer = exchange.data.toString('latin1');
        const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
        expect(head).toMatch(/^HTTP\/1\.1 [234]\d\d /);
        expect(head.toLowerCase()).not.toContain('injected');
        expect(body.toLowerCase()).not.toContain('injected');
      }
    });
  });

  describe('long local parts', () => {
    it.each([65, 1000, 10_000])('%i characters: 400 on every config route', async (length) => {
      const local = 'a'.repeat(length);
      for (const path of ['/mail/config-v1.1.xml', '/mobileconfig/']) {
        const response = await send(app, raw('GET', `${path}?emailaddress=${local}%40example.com`));
        expect(response.statusCode).toBe(400);
        expect(text(response)).toBe('Invalid e-mail address: local part too long');
      }
      const response = await send(app, postXml(outlookRequest(`${local}@example.com`)));
      expect(response.statusCode).toBe(400);
    });
  });

  describe('paths', () => {
    it.each(
      [
        '/..%2f..%2fetc/passwd',
        '/../../etc/passwd',
        '/%2e%2e/',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
        '//mail/config-v1.1.xml',
        '///etc/passwd',
        '/mail/..%2fconfig-v1.1.xml',
        '/mail/%2e%2e/mail/config-v1.1.xml',
        '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
        '/%c0%af..%c0%afetc%c0%afpasswd',
        '/mail/config-v1.1.xml%00',
        '/mail/config-v1.1.xml%00.html',
        '/mail%2fconfig-v1.1.xml',
        '/./mail/config-v1.1.xml',
        '/mail/./config-v1.1.xml',
        '/\\..\\..\\etc\\passwd',
        '/%5c..%5c..%5cetc%5cpasswd',
        '/%zz',
        '/%',
        '/initdb/..%2f',
        '/initdb/%2e%2e/',
        '/INITDB/./',
        `/${'a/'.repeat(2000)}`,
        `/${'%2e%2e%2f'.repeat(500)}etc/passwd`,
        '/autodiscover/autodiscover.json/v1.0/..%2f..%2fetc%2fpasswd',
        '/autodiscover/autodiscover.json/v1.0/%00',
        '*',
        'http://evil.example/mail/config-v1.1.xml',
      ].map((path) => [
        path.length > 60 ? `${path.slice(0, 30)}… (${path.length} characters)` : path,
        path,
      ]),
    )('%s: no file served, no 5xx', async (_label, path) => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await send(
          app,
          raw(
            method,
            path,
            method === 'POST' ? { headers: ['Content-Type: text/xml'], body: '' } : {},
          ),
        );
        expect(text(response)).not.toMatch(/root:|\/bin\/(ba)?sh/);
        expect(response.statusCode).toBeGreaterThanOrEqual(200);
      }
    });
  });

  describe('framing the HTTP parsers would refuse on their own', () => {
    it.each([';', ' ; ', '', 'text', 'text/', ';charset=utf-8'])(
      'Content-Type %j: Autodiscover 400, /initdb/ 415, alike on both adapters',
      async (type) => {
        const autodiscover = await send(app, postXml(outlookRequest('user@example.com'), type));
        expect(autodiscover.statusCode).toBe(400);
        expect(text(autodiscover)).toBe('Unexpected content type');
        const initdb = await send(
          app,
          raw('POST', '/initdb/', {
            headers: [`Content-Type: ${type}`],
            body: '{}',
            host: 'localhost',
          }),
        );
        expect(initdb.statusCode).toBe(415);
        expect(text(initdb)).toBe('Expected Content-Type: application/json');
      },
    );

    it.each(['example.com:443', 'autoconfig.example.com:80', '/initdb/', '127.0.0.1:22'])(
      'CONNECT %s: a short 405, then the connection closes; the server keeps serving',
      async (target) => {
        const exchange = await rawExchange(
          targetOf(app.url),
          `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`,
          { timeoutMs: QUICK_MS },
        );
        expect(exchange.ending).toBe('closed');
        const answer = exchange.data.toString('latin1');
        expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
        expect(answer).toMatch(/\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
        expect(answer).toMatch(/\r\nAllow: [A-Z, ]+\r\n/);
        expect(answer.split('\r\n\r\n')[1]).toBe('Method not allowed');
        expect((await send(app, raw('GET', '/healthz/live'))).statusCode).toBe(200);
      },
    );
  });

  describe('errors the frameworks and parsers would answer themselves (issue 14, L5)', () => {
    /** No framework name, code or JSON, and nothing of the request echoed. */
    const expectOurs = (answer: string, status: number, body: string) => {
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer).toMatch(/\r\ncontent-type: text\/plain; charset=utf-8\r\n/i);
      expect(answer.split('\r\n\r\n')[1]).toBe(body);
      expect(answer).not.toMatch(/FST_|fastify|express|statusCode|secret|application\/json/i);
    };

    it.each([
      '/mobileconfig/%?emailaddress=a@example.com&password=secret',
      '/mail/config-v1.1.xml/%zz?password=secret',
      '/autodiscover/autodiscover.json/v1.0/a%C3%28@example.com?secret=1',
    ])('an undecodable path %j: 400 "Bad request"', async (path) => {
      const exchange = await rawExchange(
        targetOf(app.url),
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        { timeoutMs: QUICK_MS },
      );
      expectOurs(exchange.data.toString('latin1'), 400, 'Bad request');
    });

    it('a long /v1.0/<address> path is answered by the route, as on Express', async () => {
      const address = `${'a'.repeat(600)}@example.com`;
      const response = await send(
        app,
        raw('GET', `/autodiscover/autodiscover.json/v1.0/${address}?Protocol=AutodiscoverV1`),
      );
      expect(response.statusCode).toBe(200);
    });

    it.each([
      [
        'a header line without a colon',
        'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
        400,
        'Bad request',
      ],
      ['a method that is not a token', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'Bad request'],
      ['a version that is not HTTP', 'GET / SPDY/9\r\nHost: x\r\n\r\n', 400, 'Bad request'],
      [
        'headers over the size limit',
        `GET / HTTP/1.1\r\nHost: x\r\nX-Secret: ${'s'.repeat(20_000)}\r\n\r\n`,
        431,
        'Request headers too large',
      ],
    ])('%s: our short answer, then the connection closes', async (_name, request, status, body) => {
      const exchange = await rawExchange(targetOf(app.url), request, { timeoutMs: QUICK_MS });
      expect(exchange.ending).toBe('closed');
      expectOurs(exchange.data.toString('latin1'), status, body);
    });
  });

  describe('every method on every route', () => {
    const SAMPLES: Readonly<Record<string, string>> = {
      '/': '/',
      '/mail/config-v1.1.xml': '/mail/config-v1.1.xml?emailaddress=a%40example.com',
      '/.well-known/autoconfig/mail/config-v1.1.xml':
        '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40example.com',
      '/autodiscover/autodiscover.xml': '/autodiscover/autodiscover.xml',
      '/autodiscover/autodiscover.json':
        '/autodiscover/autodiscover.json?Email=a%40example.com&Protocol=AutodiscoverV1',
      '/mobileconfig/': '/mobileconfig/?emailaddress=a%40example.com',
      '/initdb/': '/initdb/',
      '/healthz/live': '/healthz/live',
      '/healthz/ready': '/healthz/ready',
      '/metrics': '/metrics',
    };
    const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'FOO'];
    const MARKER = 'X-Secret-Marker: s3cr3t-marker';

    it('never 5xx; wrong methods get 405 with Allow; TRACE echoes nothing; unknown methods are refused', async () => {
      const paths = Object.keys(SAMPLES);
      expect(KNOWN_ROUTES.every((route) => paths.some((path) => route.pattern.test(path)))).toBe(
        true,
      );
      for (const path of paths) {
        const route = KNOWN_ROUTES.find((candidate) => candidate.pattern.test(path));
        const allowed = route?.methods ?? [];
        for (const method of METHODS) {
          // DELETE /initdb/ is allowed and would purge the data the other tests use.
          if (path === '/initdb/' && (method === 'DELETE' || method === 'POST')) continue;
          const target = SAMPLES[path] ?? path;
          const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '<x/>' : undefined;
          const response = await send(
            app,
            raw(method, target, {
              headers: [MARKER, ...(body === undefined ? [] : ['Content-Type: text/xml'])],
              body,
              // /initdb/ answers only a loopback Host (issue 14, L7).
              ...(path === '/initdb/' && { host: 'localhost' }),
            }),
          );
          const label = `${method} ${path}`;
          expect({ label, echoed: response.body.toString('latin1').includes('s3cr3t') }).toEqual({
            label,
            echoed: false,
          });
          if (method === 'FOO') {
            // Node's parser knows no method FOO: 400 before any route is involved.
            expect({ label, status: response.statusCode }).toEqual({ label, status: 400 });
          } else if (method === 'OPTIONS') {
            expect({ label, status: response.statusCode }).toEqual({ label, status: 204 });
            expect(response.headers.get('allow')?.[0]).toBeDefined();
          } else if (!allowed.includes(method)) {
            expect({ label, status: response.statusCode }).toEqual({ label, status: 405 });
            const allow = (response.headers.get('allow')?.[0] ?? '').split(/,\s*/);
            expect(allow.sort()).toEqual([...allowed, 'OPTIONS'].sort());
          }
        }
      }
    });
  });

  describe('placeholder-looking input', () => {
    it.each([
      ['%EMAILADDRESS%', '%25EMAILADDRESS%25'],
      ['%EMAILLOCALPART%%EMAILDOMAIN%', '%25EMAILLOCALPART%25%25EMAILDOMAIN%25'],
      ['%EMAILDOMAIN%', '%25EMAILDOMAIN%25'],
    ])('a local part %s is inserted literally, never expanded again', async (local, encoded) => {
      const address = `${local}@example.com`;
      const autodiscover = await send(app, postXml(outlookRequest(address)));
      expect(autodiscover.statusCode).toBe(200);
      const doc = xml.parse(text(autodiscover)) as {
        Autodiscover: { Response: { Account: { Protocol: { LoginName: string }[] } } };
      };
      for (const protocol of doc.Autodiscover.Response.Account.Protocol) {
        expect(protocol.LoginName).toBe(address);
      }

      const profile = await send(
        app,
        raw('GET', `/mobileconfig/?emailaddress=${encoded}%40example.com`),
      );
      expect(profile.statusCode).toBe(200);
      const plist = plistOf(text(profile));
      const [mail] = plist.PayloadContent as PlistObject[];
      expect(mail?.EmailAddress).toBe(address);
      expect(mail?.IncomingMailServerUsername).toBe(address);
      expect(mail?.OutgoingMailServerUsername).toBe(address);

      // Autoconfig leaves placeholders to the client: the address is not in the document.
      const config = await send(
        app,
        raw('GET', `/mail/config-v1.1.xml?emailaddress=${encoded}%40example.com`),
      );
      expect(config.statusCode).toBe(200);
      expect(text(config)).toContain('<username>%EMAILADDRESS%</username>');
      expect(text(config)).not.toContain('example.com%');
    });
  });

  describe('XML and plist metacharacters', () => {
    it.each([
      '<script>alert(1)</script>',
      'a & b &amp; c &#0; &#x26; &lt;',
      '"quoted" \'apos\'',
      ']]><!-- --><?xml version="1.0"?>',
      '</string><key>Injected</key><string>',
      '\u0001\u0008\u000b\u000c\u001f\ufffe\uffff',
      '\u202egnp.exe',
    ])('in the name parameter (%j): a well-formed profile carrying it as text', async (name) => {
      const response = await send(
        app,
        raw(
          'GET',
          `/mobileconfig/?emailaddress=someone%40example.org&name=${encodeURIComponent(name)}`,
        ),
      );
      expect(response.statusCode).toBe(200);
      expectWellFormed(text(response));
      const plist = plistOf(text(response));
      const [mail] = plist.PayloadContent as PlistObject[];
      expect(Object.keys(mail ?? {})).not.toContain('Injected');
      // Characters XML cannot carry become U+FFFD; everything else is kept as given.
      expect(mail?.EmailAccountName).toBe(name.replace(NOT_XML_CHAR, '\ufffd'));
    });

    it('placeholders in the name parameter are expanded once (BEHAVIOUR.md §6), never again', async () => {
      const response = await send(
        app,
        raw(
          'GET',
          '/mobileconfig/?emailaddress=%25EMAILDOMAIN%25%40example.com&name=%25EMAILADDRESS%25%20%25EMAILLOCALPART%25',
        ),
      );
      expect(response.statusCode).toBe(200);
      const [mail] = plistOf(text(response)).PayloadContent as PlistObject[];
      expect(mail?.EmailAccountName).toBe('%EMAILDOMAIN%@example.com %EMAILDOMAIN%');
    });

    it.each([
      ['an undefined entity', 'a&foo;b@example.com'],
      ['a predefined entity', 'a&lt;b@example.com'],
      ['a character reference', 'a&#60;b@example.com'],
      ['a hex character reference', 'a&#x3c;b@example.com'],
    ])(
      'entity-looking text in an address (%s) is text in the answer, which stays well-formed',
      async (_name, address) => {
        const escaped = address.replace(/&/g, '&amp;');
        for (const ns of [OUTLOOK_NS, MOBILESYNC_NS]) {
          const body = outlookRequest(escaped).replace(OUTLOOK_NS, ns);
          const response = await send(app, postXml(body));
          expect(response.statusCode).toBe(200);
          expectWellFormed(text(response));
          expect(text(response)).toContain(`>${escaped}<`);
        }
        const profile = await send(
          app,
          raw('GET', `/mobileconfig/?emailaddress=${encodeURIComponent(address)}`),
        );
        expect(profile.statusCode).toBe(200);
        expectWellFormed(text(profile));
        const [mail] = plistOf(text(profile)).PayloadContent as PlistObject[];
        expect(mail?.EmailAddress).toBe(address);
      },
    );

    it('in stored provider names and DAV URLs: every document is well-formed and carries them as text', async () => {
      const shortName = HOSTILE_PROVIDER.split(' ')[0];
      const config = await send(
        app,
        raw('GET', '/mail/config-v1.1.xml?emailaddress=someone%40example.org'),
      );
      expect(config.statusCode).toBe(200);
      expectWellFormed(text(config));
      const parsed = xml.parse(text(config)) as {
        clientConfig: { emailProvider: { displayName: string; displayShortName: string } };
      };
      expect(parsed.clientConfig.emailProvider.displayName).toBe(HOSTILE_PROVIDER);
      expect(parsed.clientConfig.emailProvider.displayShortName).toBe(shortName);

      const autodiscover = await send(app, postXml(outlookRequest('someone@example.org')));
      expect(autodiscover.statusCode).toBe(200);
      expectWellFormed(text(autodiscover));
      expect(text(autodiscover)).not.toContain('<2>');

      const profile = await send(
        app,
        raw('GET', '/mobileconfig/?emailaddress=someone%40example.org'),
      );
      expect(profile.statusCode).toBe(200);
      const plist = plistOf(text(profile));
      const dav = (plist.PayloadContent as PlistObject[]).find(
        (payload) => payload.PayloadType === 'com.apple.caldav.account',
      );
      expect(dav?.CalDAVPrincipalURL ?? dav?.CalDAVHostName).toBeDefined();
      expect(JSON.stringify(plist)).toContain('a=1&b=<2>&c=\\"3\\"');
    });
  });
});
