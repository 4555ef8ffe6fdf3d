import 'reflect-metadata';
import fc from 'fast-check';
import { readAutodiscoverRequest } from '../../src/autodiscover/autodiscover-request.reader';
import {
  isLoopback,
  normaliseAddress,
  resolveClientAddress,
} from '../../src/common/client-address';
import { DomainError, type DomainErrorCode } from '../../src/common/domain-error';
import type { HttpRequest } from '../../src/common/http-request';
import { requestHost } from '../../src/common/request-host';
import { queryParam } from '../../src/common/request-query';
import { planFromDocument } from '../../src/provisioning/seed-document';
import { parseDomainName, parseEmailAddress } from '../../src/mail-settings/address-parser';
import { domainLookupNames } from '../../src/mail-settings/domain-names';
import { expandPlaceholders } from '../../src/mail-settings/placeholders';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';

/**
 * Property-based tests of the pure functions that read hostile input (issue 7, item 2):
 * whatever they are given they return a well-formed result or throw a DomainError with
 * the expected code, never anything else, and each call stays fast (no catastrophic
 * regex backtracking, no quadratic blow-up).
 */

const RUNS = 1000;
/** Generous per-call bound: a regex gone quadratic on 10^4 characters takes far longer. */
const CALL_BOUND_MS = 100;

/** Runs `call`; returns its result, or the DomainError code it threw. Anything else fails. */
function outcome<T, C extends DomainErrorCode = never>(
  call: () => T,
  allowed: readonly C[],
): T | C {
  const started = performance.now();
  let result: T | C;
  try {
    result = call();
  } catch (error) {
    if (!(error instanceof DomainError)) {
      throw new Error(`not a DomainError: ${String(error)}`, { cause: error });
    }
    const code = allowed.find((candidate) => candidate === error.code);
    if (code === undefined) throw new Error(`unexpected code ${error.code}`);
    // Messages go to clients: short, one line.
    if (error.message.length > 200 || /[\r\n]/.test(error.message)) {
      throw new Error(`unsafe message ${JSON.stringify(error.message)}`);
    }
    result = code;
  }
  const elapsed = performance.now() - started;
  if (elapsed > CALL_BOUND_MS) throw new Error(`took ${elapsed.toFixed(0)} ms`);
  return result;
}

// ---- generators --------------------------------------------------------------------

/** Any string, including lone surrogates, controls and astral characters. */
const anyString = fc.string({ unit: 'binary', maxLength: 300 });
/** Characters that matter to the parsers. */
const trickyChar = fc.constantFrom(
  '@',
  ' ',
  '\t',
  '\r',
  '\n',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '%',
  '+',
  '&',
  '<',
  '>',
  '"',
  "'",
  '.',
  ',',
  ':',
  ';',
  '[',
  ']',
  '/',
  '\\',
  '=',
  '?',
  '#',
  'ß',
  'ü',
  'İ',
  '\ud800',
  '\udfff',
  '😀',
  'xn--',
  '%EMAILADDRESS%',
  '%EMAILLOCALPART%',
  '%EMAILDOMAIN%',
);
const trickyString = fc
  .array(fc.oneof(trickyChar, fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(''));
const hostileString = fc.oneof(anyString, trickyString);
/** Address-shaped: local@domain with hostile parts, sometimes very long. */
const addressLike = fc
  .tuple(
    fc.oneof(
      hostileString,
      fc.nat({ max: 12_000 }).map((n) => 'a'.repeat(n)),
    ),
    fc.constantFrom('@', '@@', '', ' @ ', '@\r\n'),
    fc.oneof(hostileString, fc.constant('example.com'), fc.constant('bücher.example')),
  )
  .map(([local, at, domain]) => `${local}${at}${domain}`);

// ---- address parsing ---------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('parseEmailAddress with hostile input', () => {
  it('returns a checked address or throws INVALID_ADDRESS', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, addressLike), (raw) => {
        const result = outcome(() => parseEmailAddress(raw), ['INVALID_ADDRESS']);
        if (typeof result === 'string') return;
        expect(result.address).toBe(`${result.localPart}@${result.domain}`);
        expect(result.localPart).not.toContain('@');
        expect(result.domain).not.toContain('@');
        expect(result.localPart).not.toBe('');
        expect(result.domain).not.toBe('');
        expect(result.address).not.toMatch(CONTROL);
        expect(result.domain).not.toMatch(/\s/);
        expect(Buffer.byteLength(result.localPart)).toBeLessThanOrEqual(64);
        expect(Buffer.byteLength(result.address)).toBeLessThanOrEqual(254);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses every local part longer than 64 octets, up to 10,000 characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 10_000 }), (length) => {
        expect(
          outcome(
            () => parseEmailAddress(`${'x'.repeat(length)}@example.com`),
            ['INVALID_ADDRESS'],
          ),
        ).toBe('INVALID_ADDRESS');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses NUL, CR and LF anywhere in an address', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('\u0000', '\r', '\n', '\r\n'),
        fc.string({ maxLength: 20 }),
        (before, control, after) => {
          const raw = `a${before}${control}${after}b@example.com`;
          expect(outcome(() => parseEmailAddress(raw), ['INVALID_ADDRESS'])).toBe(
            'INVALID_ADDRESS',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseDomainName with hostile input', () => {
  it('returns a trimmed domain without controls, spaces, @ or slashes, or throws INVALID_ADDRESS', () => {
    fc.assert(
      fc.property(hostileString, (raw) => {
        const result = outcome(() => parseDomainName(raw), ['INVALID_ADDRESS']);
        if (result === 'INVALID_ADDRESS') return;
        expect(result).not.toMatch(CONTROL);
        expect(result).not.toMatch(/[\s@/\\]/);
        expect(result.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('domainLookupNames with hostile input', () => {
  it('never throws and returns the lower-cased input first', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.domain()), (domain) => {
        const names = outcome(() => domainLookupNames(domain), []);
        expect(Array.isArray(names)).toBe(true);
        const list = names;
        expect(list[0]).toBe(domain.toLowerCase());
        expect(new Set(list).size).toBe(list.length);
        for (const name of list) expect(typeof name).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('expandPlaceholders with placeholder-looking input', () => {
  it('inserts values literally, in one pass (no recursion, no injection)', () => {
    const placeholder = fc.constantFrom('%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%');
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(placeholder, fc.string({ maxLength: 5 })), { maxLength: 6 })
          .map((parts) => parts.join('')),
        (local) => {
          const address = {
            address: `${local}@example.com`,
            localPart: local,
            domain: 'example.com',
          };
          expect(expandPlaceholders('%EMAILLOCALPART%', address)).toBe(local);
          expect(expandPlaceholders('%EMAILADDRESS%', address)).toBe(address.address);
          expect(expandPlaceholders('[%EMAILLOCALPART%|%EMAILDOMAIN%]', address)).toBe(
            `[${local}|example.com]`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// ---- request helpers ---------------------------------------------------------------

const requestWith = (url: string, headers: HttpRequest['headers'] = {}): HttpRequest => ({
  method: 'GET',
  url,
  headers,
});

/** Query strings of percent-escapes (valid, invalid, overlong UTF-8), separators and text. */
const queryText = fc
  .array(
    fc.oneof(
      hostileString,
      fc.constantFrom(
        '%',
        '%%',
        '%zz',
        '%c0%ae',
        '%c0%80',
        '%ff',
        '%ed%a0%80',
        '%00',
        '%0d%0a',
        '&',
        '=',
        '+',
        '[]',
        '#',
        '?',
      ),
      fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('queryParam with hostile query strings', () => {
  it('never throws; gives a string or undefined', () => {
    fc.assert(
      fc.property(queryText, fc.constantFrom('emailaddress', 'name', 'x', ''), (query, name) => {
        const value = outcome(
          () => queryParam(requestWith(`/mail/config-v1.1.xml?${query}`), name),
          [],
        );
        expect(value === undefined || typeof value === 'string').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the first value of the exact name and treats array forms as missing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (first, second) => {
        const url = `/x?emailaddress[]=z&emailaddress=${encodeURIComponent(first)}&emailaddress=${encodeURIComponent(second)}`;
        expect(queryParam(requestWith(url), 'emailaddress')).toBe(first);
        expect(queryParam(requestWith('/x?emailaddress[]=a'), 'emailaddress')).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

const headerValueArb = fc.oneof(
  hostileString,
  fc.constant(undefined),
  fc.array(hostileString, { maxLength: 3 }),
);

describe('requestHost with hostile headers', () => {
  it('never throws; gives a lower-case host without port, or undefined', () => {
    fc.assert(
      fc.property(
        headerValueArb,
        headerValueArb,
        fc.integer({ min: 0, max: 4 }),
        (host, forwarded, proxies) => {
          const value = outcome(
            () => requestHost(requestWith('/', { host, 'x-forwarded-host': forwarded }), proxies),
            [],
          );
          if (value === undefined) return;
          expect(typeof value).toBe('string');
          expect(value).toBe(value.toLowerCase());
          expect(value).not.toMatch(/:\d+$/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('ignores X-Forwarded-Host without trusted proxies', () => {
    fc.assert(
      fc.property(fc.domain(), hostileString, (host, forwarded) => {
        expect(requestHost(requestWith('/', { host, 'x-forwarded-host': forwarded }), 0)).toBe(
          host.toLowerCase(),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

const addressArb = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((v4) => `::ffff:${v4}`),
  fc.constantFrom('127.0.0.1', '::1', '::ffff:127.0.0.1', '[::1]', '0:0:0:0:0:0:0:1', ''),
  hostileString,
);
const forwardedArb = fc.oneof(
  fc.constant(undefined),
  fc.array(addressArb, { maxLength: 5 }).map((list) => list.join(', ')),
  fc.array(addressArb, { maxLength: 3 }),
  hostileString,
);

describe('resolveClientAddress with forged X-Forwarded-For', () => {
  it('never throws and ignores the header without trusted proxies', () => {
    fc.assert(
      fc.property(addressArb, forwardedArb, (socket, forwarded) => {
        expect(outcome(() => resolveClientAddress(socket, forwarded, 0), [])).toBe(
          normaliseAddress(socket),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('with N trusted proxies takes the N-th entry from the right: a client cannot choose it', () => {
    fc.assert(
      fc.property(
        fc.array(addressArb, { maxLength: 4 }),
        fc.array(fc.ipV4(), { minLength: 1, maxLength: 3 }),
        fc.ipV4(),
        (forged, trusted, socket) => {
          // The client writes `forged`; each trusted proxy appends what it saw.
          const header = [...forged, ...trusted].join(', ');
          const client = outcome(() => resolveClientAddress(socket, header, trusted.length), []);
          expect(client).toBe(normaliseAddress(trusted[0]!));
          // A forged loopback entry never makes a remote client look local.
          expect(isLoopback(String(client))).toBe(isLoopback(trusted[0]!));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('fails closed when the header has too few entries: unknown, never the socket address', () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { maxLength: 2 }), fc.ipV4(), (entries, socket) => {
        expect(resolveClientAddress(socket, entries.join(','), entries.length + 1)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});

// ---- Autodiscover XML reader -------------------------------------------------------

const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const VALID_REQUEST = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${OUTLOOK_NS}"><Request><EMailAddress>user@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

const xmlName = fc.constantFrom(
  'Autodiscover',
  'Request',
  'EMailAddress',
  'AcceptableResponseSchema',
  'a:Request',
  'x',
  'ns:EMailAddress',
  '_',
  'é',
);
const xmlText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '&amp;',
    '&lt;',
    '&#0;',
    '&#x110000;',
    '&#65;',
    '&foo;',
    '&',
    ']]>',
    '<![CDATA[x]]>',
    '<!-- c -->',
    '<?pi x?>',
    'user@example.com',
    '%EMAILADDRESS%',
  ),
);
const xmlAttribute = fc.oneof(
  fc.constant(` xmlns="${OUTLOOK_NS}"`),
  fc.constant(` xmlns="${MOBILESYNC_NS}"`),
  fc.constant(` xmlns:a="${OUTLOOK_NS}"`),
  fc.constant(' xmlns:ns=""'),
  fc.constant(' a="1"'),
  fc.constant(" a='<'"),
  fc.constant(' xml:lang="en"'),
  fc.constant(''),
);
const { element: xmlElement } = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(
      xmlName,
      xmlAttribute,
      fc.array(fc.oneof({ depthSize: 'small' }, xmlText, tie('element')), { maxLength: 4 }),
    )
    .map(([name, attribute, children]) => `<${name}${attribute}>${children.join('')}</${name}>`),
}));
/** A valid request with a hostile fragment inserted somewhere. */
const mutatedRequest = fc
  .tuple(
    fc.nat({ max: VALID_REQUEST.length }),
    fc.oneof(
      xmlText,
      xmlElement,
      fc.constantFrom(
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<!ENTITY',
        '<',
        '>',
        '</',
        '/>',
        '"',
        '\u0000',
        '\ufffe',
      ),
    ),
    fc.nat({ max: 20 }),
  )
  .map(
    ([at, fragment, cut]) => VALID_REQUEST.slice(0, at) + fragment + VALID_REQUEST.slice(at + cut),
  );

const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
  xmlElement.map((xml) => Buffer.from(xml, 'utf8')),
  mutatedRequest.map((xml) => Buffer.from(xml, 'utf8')),
  fc
    .tuple(mutatedRequest, fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.nat())
    .map(([xml, bytes, at]) => {
      const text = Buffer.from(xml, 'utf8');
      const cut = at % (text.length + 1);
      return Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]);
    }),
);

describe('readAutodiscoverRequest with hostile bodies', () => {
  it('returns an address (or null) and a schema, or throws MALFORMED_BODY', () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const result = outcome(() => readAutodiscoverRequest(body), ['MALFORMED_BODY']);
        if (result === 'MALFORMED_BODY') return;
        expect(['outlook', 'mobilesync']).toContain(result.schema);
        if (result.emailAddress !== null) {
          expect(typeof result.emailAddress).toBe('string');
          expect(result.emailAddress).toBe(result.emailAddress.trim());
          expect(result.emailAddress).not.toBe('');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads the address of every generated valid request, whatever its text', () => {
    const addressText = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(
      fc.property(addressText, (address) => {
        const escaped = address.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const xml = `<Autodiscover xmlns="${OUTLOOK_NS}"><Request><EMailAddress>${escaped}</EMailAddress></Request></Autodiscover>`;
        const result = outcome(
          () => readAutodiscoverRequest(Buffer.from(xml, 'utf8')),
          ['MALFORMED_BODY'],
        );
        if (result === 'MALFORMED_BODY') {
          // Only characters XML 1.0 forbids make a document with escaped text malformed.
          // eslint-disable-next-line no-control-regex
          expect(address).toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
          return;
        }
        expect(result.emailAddress).toBe(address.trim() === '' ? null : address.trim());
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- seeding documents ---------------------------------------------------------------

const SEED = JSON.parse(SEED_EXAMPLE_JSON) as Record<string, unknown>;

/** The seed example with one value somewhere replaced by generated JSON. */
const mutatedSeed = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.nat())
  .map(([value, pick, subPick]) => {
    const document = structuredClone(SEED);
    const keys = Object.keys(document);
    const key = keys[pick % keys.length]!;
    const target = document[key];
    if (Array.isArray(target) && target.length > 0) {
      const item = target[subPick % target.length] as unknown;
      if (typeof item === 'object' && item !== null) {
        const fields = Object.keys(item);
        const field = fields[subPick % fields.length];
        if (field !== undefined) (item as Record<string, unknown>)[field] = value;
      } else {
        target[subPick % target.length] = value;
      }
    } else {
      document[key] = value;
    }
    return document;
  });

describe('planFromDocument with hostile documents', () => {
  it('returns a plan or throws INVALID_SEED naming a field', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutatedSeed), (document) => {
        const result = outcome(() => planFromDocument(document), ['INVALID_SEED']);
        if (result === 'INVALID_SEED') return;
        expect(result.providers).toHaveLength(1);
        expect(result.domains.length).toBeGreaterThan(0);
        expect(result.servers.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('never plans a text XML cannot carry or a port no client can use (issue 13)', () => {
    /** The seed example with one text or port replaced by any string or integer. */
    const seedWith = fc
      .tuple(
        fc.oneof(anyString, fc.constantFrom('\u0001', '\ud800', '\uffff', '\u009f', '😀')),
        fc.integer({ min: -70000, max: 70000 }),
        fc.nat(),
      )
      .map(([text, port, pick]) => {
        const document = structuredClone(SEED) as { servers: Record<string, unknown>[] };
        const server = document.servers[pick % document.servers.length]!;
        if (pick % 3 === 0) server.port = port;
        else if (pick % 3 === 1)
          server[server.type === 'caldav' || server.type === 'carddav' ? 'url' : 'name'] = text;
        else Object.assign(document, { provider: text });
        return document;
      });
    /** Written without \p{…} classes, independently of field-rules.ts. */
    const NOT_STORABLE =
      // eslint-disable-next-line no-control-regex -- controls are what must not get through
      /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    fc.assert(
      fc.property(seedWith, (document) => {
        const result = outcome(() => planFromDocument(document), ['INVALID_SEED']);
        if (result === 'INVALID_SEED') return;
        const texts = [
          ...result.providers.map((provider) => provider.name),
          ...result.servers.map((server) => server.name),
          ...result.davServers.map((server) => server.url),
        ];
        for (const text of texts) expect(text).not.toMatch(NOT_STORABLE);
        for (const server of result.servers) {
          expect(server.port).toBeGreaterThanOrEqual(1);
          expect(server.port).toBeLessThanOrEqual(65535);
        }
        for (const server of result.davServers) {
          expect(server.port).toBeGreaterThanOrEqual(0);
          expect(server.port).toBeLessThanOrEqual(65535);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps metacharacters and placeholder text in names as data', () => {
    const name = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
      fc.constantFrom('<b>&amp;"\'</b>', ']]><!--', '%EMAILADDRESS%', '<?xml?>', '\u202e'),
    );
    fc.assert(
      fc.property(name, (provider) => {
        const result = outcome(() => planFromDocument({ ...SEED, provider }), ['INVALID_SEED']);
        if (result === 'INVALID_SEED') return;
        expect(result.providers[0]?.name).toBe(provider);
      }),
      { numRuns: RUNS },
    );
  });
});
