import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { parse as parsePlist, type PlistObject } from 'plist';
import type { HttpAdapterName } from '../../src/config/app-config';
import { rawRequest, targetOf, type RawResponse } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstPassOnly } from '../support/adapter-pass';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * Property-based tests against the real HTTP application on both adapters (issue 7,
 * item 2), on in-memory SQLite with the sample data of GET /initdb/: generated query
 * strings (any bytes, percent-encoded or not: invalid UTF-8, overlong forms, NUL,
 * CR/LF), Host headers, Autodiscover bodies and seeding documents. Every request gets
 * a 2xx/204/4xx within 2 s, never a 5xx; every success is a well-formed document; no
 * response carries a header the application did not mean to send; and nothing is
 * logged at ERROR (the exception filter logs every unexpected error there, with its
 * stack).
 */

const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
const RUNS = 200;
/** Answers to a GET: a document, no content, a client error; 414/431 for a URL over the limits. */
const ALLOWED = [200, 204, 400, 414, 431];
const REQUEST_BOUND_MS = 2000;
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const OUTLOOK_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** Header names the application (or Node) may send; anything else would be injected. */
const KNOWN_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-disposition',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'retry-after',
  'allow',
  'location',
  'cache-control',
  'etag',
  'vary',
]);

/** Characters XML 1.0 cannot carry (a document containing one is not well-formed). */

const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** Sends one request over a fresh connection and checks what every answer must satisfy. */
async function exchange(app: TestApp, raw: string | Buffer): Promise<RawResponse> {
  const started = Date.now();
  const response = await rawRequest(targetOf(app.url), raw, { timeoutMs: REQUEST_BOUND_MS + 1000 });
  const elapsed = Date.now() - started;
  const label = (typeof raw === 'string' ? raw : raw.toString('latin1')).split('\r\n')[0];
  if (elapsed > REQUEST_BOUND_MS) throw new Error(`${label}: ${elapsed} ms`);
  if (response.statusCode >= 500) {
    throw new Error(`${label}: ${response.statusCode} ${response.body.toString('utf8')}`);
  }
  for (const name of response.headers.keys()) {
    if (!KNOWN_HEADERS.has(name)) throw new Error(`${label}: unexpected header ${name}`);
  }
  if (response.statusCode === 200) checkDocument(label ?? '', response);
  return response;
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

/** A 200 is a complete, well-formed document of the type it claims. */
function checkDocument(label: string, response: RawResponse): void {
  const type = response.headers.get('content-type')?.[0] ?? '';
  const text = response.body.toString('utf8');
  if (type === 'application/xml' || type === 'application/x-apple-aspen-config') {
    if (NOT_XML_CHAR.test(text)) throw new Error(`${label}: character XML cannot carry`);
    // The validator lets undefined entities (`&foo;`) through.
    if (text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '').includes('&')) {
      throw new Error(`${label}: undefined entity reference`);
    }
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new Error(`${label}: malformed XML ${JSON.stringify(valid)}`);
    if (type === 'application/x-apple-aspen-config') plistOf(text);
  } else if (type === 'application/json') {
    JSON.parse(text);
  }
}

/**
 * A request as bytes: the head as latin1 (raw bytes as given), the body as UTF-8. The
 * Host is a client's, or `localhost` for /initdb/ (which answers only a loopback Host).
 */
const request = (
  method: string,
  target: string,
  headers: readonly string[] = [],
  body: string | Buffer = '',
): Buffer => {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const host = target.startsWith('/initdb/') ? 'localhost' : 'autoconfig.example.com';
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, ...headers];
  if (bytes.length > 0 || method === 'POST') lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1'),
    bytes,
  ]);
};

// ---- generators --------------------------------------------------------------------

/** Bytes of a query value, percent-encoded: any byte, so invalid and overlong UTF-8 too. */
const encodedBytes = fc
  .uint8Array({ maxLength: 80 })
  .map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
/** Query text as a client may send it unencoded (printable ASCII that HTTP allows). */
const rawQueryChars = fc.string({
  unit: fc.constantFrom(..."abcxyz@.+-_~!$&'()*,;=:/?%[]09".split('')),
  maxLength: 60,
});
const encodedText = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .map((text) => encodeURIComponent(text));
const addressValue = fc.oneof(
  encodedBytes,
  rawQueryChars,
  encodedText,
  fc
    .tuple(
      fc.oneof(
        encodedText,
        encodedBytes,
        fc.nat({ max: 10_000 }).map((n) => 'a'.repeat(n)),
      ),
      fc.constantFrom(
        'example.com',
        'EXAMPLE.org',
        'ham-n-eggs.tld',
        'serverless.tld',
        'unknown.example',
        'xn--bcher-kva.example',
      ),
    )
    .map(([local, domain]) => `${local}%40${domain}`),
  fc.constantFrom(
    '%EMAILADDRESS%40example.com',
    '%25EMAILADDRESS%25%40example.com',
    'a%00b%40example.com',
    'a%0d%0aX-Injected:%201%40example.com',
    '%c0%ae%c0%ae%40example.com',
    '%ed%a0%80%40example.com',
    '%ef%bf%be%40example.com',
    'a%40example.com%00',
    '+a+%40example.com',
    'a%26foo%3bb%40example.com',
    'a%26lt%3bb%40example.com',
  ),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'emailaddress',
        'emaildomain',
        'name',
        'password',
        'EmailAddress',
        'emailaddress[]',
        'x',
        '',
      ),
      addressValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));

/** Autodiscover bodies: generated XML trees, mutations of a valid request, raw bytes. */
const xmlName = fc.constantFrom(
  'Autodiscover',
  'Request',
  'EMailAddress',
  'AcceptableResponseSchema',
  'x',
  'a:Request',
);
const xmlText = fc.oneof(
  fc.string({ maxLength: 30 }),
  addressValue.map((value) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }),
  fc.constantFrom(
    '&amp;',
    '&#0;',
    '&#x41;',
    '&e;',
    '<![CDATA[a@example.com]]>',
    '<!-- -->',
    'user@example.com',
    ' someone@example.org \n',
  ),
);
const { element: xmlElement } = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(
      xmlName,
      fc.constantFrom(
        '',
        ` xmlns="${OUTLOOK_NS}"`,
        ` xmlns="${MOBILESYNC_NS}"`,
        ' xmlns:a="x"',
        ' a="<"',
      ),
      fc.array(fc.oneof({ depthSize: 'small' }, xmlText, tie('element')), { maxLength: 4 }),
    )
    .map(([name, attribute, children]) => `<${name}${attribute}>${children.join('')}</${name}>`),
}));
const validRequest = (address: string, ns = OUTLOOK_NS) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${ns}"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema></Request></Autodiscover>`;
const autodiscoverBody = fc.oneof(
  xmlElement,
  xmlText.map((text) => validRequest(text)),
  xmlText.map((text) => validRequest(text, MOBILESYNC_NS)),
  fc
    .tuple(
      fc.nat(),
      fc.oneof(xmlText, xmlElement, fc.constantFrom('<!DOCTYPE a>', '<', '&', '\u0000')),
      fc.nat({ max: 10 }),
    )
    .map(([at, fragment, cut]) => {
      const valid = validRequest('someone@example.org');
      const index = at % valid.length;
      return valid.slice(0, index) + fragment + valid.slice(index + cut);
    }),
);
const contentType = fc.constantFrom(
  'text/xml',
  'application/xml',
  'text/xml; charset=utf-8',
  'application/json',
  'text/plain',
  '',
  'TEXT/XML',
  'application/xml;;;',
);

describeOnce.each(ADAPTERS)('hostile HTTP input on %s', (adapter) => {
  let app: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ adapter, logLines });
    const seeded = await exchange(app, request('GET', '/initdb/'));
    expect(seeded.statusCode).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
  });

  afterEach(() => {
    // Unexpected errors are logged at ERROR with their stack: there must be none.
    expect(logLines.filter((line) => /\bERROR\b|\n\s+at /.test(line))).toEqual([]);
  });

  it('autoconfig: any query string', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), async (query, wellKnown) => {
        const path = wellKnown
          ? '/.well-known/autoconfig/mail/config-v1.1.xml'
          : '/mail/config-v1.1.xml';
        const response = await exchange(app, request('GET', `${path}?${query}`));
        expect(ALLOWED).toContain(response.statusCode);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('mobileconfig: any emailaddress, name and password', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, addressValue, async (query, name) => {
        const response = await exchange(
          app,
          request('GET', `/mobileconfig/?${query}&emailaddress=someone%40example.org&name=${name}`),
        );
        expect(ALLOWED).toContain(response.statusCode);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('autodiscover POX: any body and content type', async () => {
    await fc.assert(
      fc.asyncProperty(autodiscoverBody, contentType, async (body, type) => {
        const headers = type === '' ? [] : [`Content-Type: ${type}`];
        const response = await exchange(
          app,
          request('POST', '/autodiscover/autodiscover.xml', headers, body),
        );
        expect([200, 204, 400, 415]).toContain(response.statusCode);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('autodiscover POX: any bytes as the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const response = await exchange(
          app,
          request(
            'POST',
            '/autodiscover/autodiscover.xml',
            ['Content-Type: text/xml'],
            Buffer.from(bytes),
          ),
        );
        expect([200, 400]).toContain(response.statusCode);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('autodiscover JSON: any address path segment and query', async () => {
    await fc.assert(
      fc.asyncProperty(addressValue, queryString, async (segment, query) => {
        const response = await exchange(
          app,
          request(
            'GET',
            `/autodiscover/autodiscover.json/v1.0/${segment}?Protocol=AutodiscoverV1&${query}`,
          ),
        );
        expect([...ALLOWED, 404]).toContain(response.statusCode);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it('any Host header (as raw bytes)', async () => {
    const hostByte = fc.integer({ min: 0x20, max: 0xff }).filter((byte) => byte !== 0x7f);
    const host = fc.oneof(
      fc
        .uint8Array({ maxLength: 60 })
        .map((bytes) =>
          Buffer.from(bytes.filter((byte) => byte >= 0x20 && byte !== 0x7f)).toString('latin1'),
        ),
      fc
        .array(hostByte, { maxLength: 40 })
        .map((bytes) => `autoconfig.${Buffer.from(bytes).toString('latin1')}`),
      fc.constantFrom(
        'autoconfig.example.com:99999',
        'autoconfig.',
        '[::1]',
        '[::1',
        'autoconfig.example.com..',
        'autoconfig.ex%41mple.com',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        host,
        fc.constantFrom(
          '/.well-known/autoconfig/mail/config-v1.1.xml',
          '/mail/config-v1.1.xml',
          '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
        ),
        async (value, path) => {
          const raw = `GET ${path} HTTP/1.1\r\nHost: ${value}\r\nConnection: close\r\n\r\n`;
          const response = await exchange(app, raw);
          expect(ALLOWED).toContain(response.statusCode);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});

describeOnce.each(ADAPTERS)('hostile seeding documents over HTTP on %s', (adapter) => {
  let app: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ adapter, logLines });
    expect((await exchange(app, request('DELETE', '/initdb/'))).statusCode).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('POST /initdb/: any JSON gives 200 (loaded) or a 400 naming the field', async () => {
    const document = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc
        .record({
          version: fc.oneof(fc.constant(2), fc.jsonValue({ maxDepth: 1 })),
          provider: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
          domains: fc.array(
            fc.oneof(
              fc.record({ name: fc.oneof(fc.domain(), fc.string({ maxLength: 20 })) }),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            { maxLength: 3 },
          ),
          servers: fc.array(
            fc.oneof(
              fc.record({
                type: fc.constantFrom('imap', 'pop', 'smtp', 'caldav', 'x'),
                name: fc.string({ maxLength: 20 }),
              }),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            { maxLength: 3 },
          ),
        })
        .map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(document, async (body) => {
        const response = await exchange(
          app,
          request('POST', '/initdb/', ['Content-Type: application/json'], body),
        );
        expect([200, 400]).toContain(response.statusCode);
        if (response.body.toString('utf8').includes('Database is now prepared')) {
          expect((await exchange(app, request('DELETE', '/initdb/'))).statusCode).toBe(200);
        }
      }),
      { numRuns: 100 },
    );
    expect(logLines.filter((line) => /\bERROR\b|\n\s+at /.test(line))).toEqual([]);
  });
});
