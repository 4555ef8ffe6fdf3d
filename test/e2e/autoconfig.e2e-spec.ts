import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { checkK9Autoconfig, checkThunderbirdAutoconfig } from '../clients/autoconfig-rules';
import {
  expectAutoconfigAsStored,
  loadRichData,
  RICH_DOMAINS,
  type RichDomain,
} from '../clients/rich-data';
import { parseXmlDocument, type XmlElement } from '../clients/xml-tree';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, useAppOnDatabase, type TestApp } from '../support/test-app';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * Autoconfig end to end (BEHAVIOUR.md §1, §2, §4, §7; CLIENTS.md "Requests we must
 * accept" and "Autoconfig output rules"), on the three engines and on both adapters.
 */

const PATH = '/mail/config-v1.1.xml';
const WELL_KNOWN = '/.well-known/autoconfig/mail/config-v1.1.xml';
const PATHS = [PATH, WELL_KNOWN] as const;
const MISSING = 'Missing request argument "emailaddress"';

/** One mail server element of a clientConfig, as clients read it. */
interface ServerSummary {
  readonly element: string;
  readonly type: string | undefined;
  readonly hostname: string | undefined;
  readonly port: string | undefined;
  readonly socketType: string | undefined;
  readonly username: string | undefined;
  readonly authentication: string | undefined;
}

interface ConfigSummary {
  readonly providerId: string | undefined;
  readonly domains: readonly string[];
  readonly displayName: string | undefined;
  readonly displayShortName: string | undefined;
  /** Names of the emailProvider's children, in document order. */
  readonly children: readonly string[];
  readonly servers: readonly ServerSummary[];
}

function childText(node: XmlElement, name: string): string | undefined {
  return node.children.find((child) => child.name === name)?.text;
}

/** Parses a clientConfig document (it must be well-formed) into what the tests compare. */
function summarise(xml: string): ConfigSummary {
  const parsed = parseXmlDocument(xml);
  expect(parsed.violations).toBeUndefined();
  const root = parsed.root!;
  expect(root.name).toBe('clientConfig');
  expect(root.attributes).toEqual({ version: '1.1' });
  expect(root.children.map((child) => child.name)).toEqual(['emailProvider']);
  const provider = root.children[0]!;
  return {
    providerId: provider.attributes['id'],
    domains: provider.children.filter((child) => child.name === 'domain').map((d) => d.text),
    displayName: childText(provider, 'displayName'),
    displayShortName: childText(provider, 'displayShortName'),
    children: provider.children.map((child) => child.name),
    servers: provider.children
      .filter((child) => child.name === 'incomingServer' || child.name === 'outgoingServer')
      .map((server) => ({
        element: server.name,
        type: server.attributes['type'],
        hostname: childText(server, 'hostname'),
        port: childText(server, 'port'),
        socketType: childText(server, 'socketType'),
        username: childText(server, 'username'),
        authentication: childText(server, 'authentication'),
      })),
  };
}

interface ConfigRequest {
  readonly path?: string;
  /** Raw query string (without `?`), sent exactly as given. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function send(app: TestApp, { path = PATH, query, headers = {} }: ConfigRequest) {
  const call = request(app.url).get(query === undefined ? path : `${path}?${query}`);
  for (const [name, value] of Object.entries(headers)) void call.set(name, value);
  return call;
}

/**
 * GETs a document that must be a 200 `application/xml` answer accepted by Thunderbird
 * and K-9, and returns its text.
 */
async function fetchConfig(app: TestApp, options: ConfigRequest): Promise<string> {
  const response = await send(app, options);
  expect({ status: response.status, body: response.status === 200 ? '' : response.text }).toEqual({
    status: 200,
    body: '',
  });
  const contentType = String(response.headers['content-type']);
  expect(contentType).toBe('application/xml');
  const xml = response.text;
  expect(checkThunderbirdAutoconfig(xml, contentType)).toEqual([]);
  expect(checkK9Autoconfig(xml)).toEqual([]);
  return xml;
}

const forAddress = (address: string, path: string = PATH): ConfigRequest => ({
  path,
  query: `emailaddress=${encodeURIComponent(address)}`,
});

async function expectStatus(
  app: TestApp,
  options: ConfigRequest,
  status: number,
  body?: string | RegExp,
): Promise<void> {
  const response = await send(app, options);
  expect(response.status).toBe(status);
  if (status === 204) {
    expect(response.text ?? '').toBe('');
    expect(response.headers['content-length'] ?? '0').toBe('0');
    return;
  }
  if (status >= 400) {
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
    expect(response.text.length).toBeLessThan(200);
    expect(response.text).not.toMatch(/\bat \S+ \(|SELECT|stack/i);
  }
  if (typeof body === 'string') expect(response.text).toBe(body);
  else if (body) expect(response.text).toMatch(body);
}

async function resetToSampleData(app: TestApp): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  await request(app.url).get('/initdb/').expect(200);
}

async function resetToDocument(app: TestApp, document: string): Promise<void> {
  await request(app.url).delete('/initdb/').expect(200);
  const response = await request(app.url)
    .post('/initdb/')
    .set('Content-Type', 'application/json')
    .send(document);
  expect([response.status, response.text]).toEqual([200, expect.stringContaining('prepared')]);
}

/** GET /initdb/ sample data: hosts are `<label>.<32 hex>.com`. */
const SAMPLE_HOST = /^([a-z0-9-]+)\.[0-9a-f]{32}\.com$/;
const sampleLabel = (hostname: string | undefined) => SAMPLE_HOST.exec(hostname ?? '')?.[1];

/**
 * The cases every adapter and engine must get right, on the sample data of GET /initdb/.
 * `getApp` is read when each test runs (the app is started in a beforeAll).
 */
function sampleDataCases(getApp: () => TestApp): void {
  it('example.com: smtp then imap (prio, id), the provider domains, K-9 authentication', async () => {
    const xml = await fetchConfig(getApp(), forAddress('user@example.com'));
    const summary = summarise(xml);
    expect(summary.providerId).toMatch(/^automx2-\d+$/);
    expect(summary.domains).toEqual(['example.com', 'example.net', 'example.org']);
    expect(summary.displayName).toBe('Big Corporation, Inc.');
    expect(summary.displayShortName).toBe('BigCorp');
    expect(summary.children.slice(0, 6)).toEqual([
      'identity',
      'domain',
      'domain',
      'domain',
      'displayName',
      'displayShortName',
    ]);
    expect(summary.servers.map((server) => [server.element, server.type])).toEqual([
      ['outgoingServer', 'smtp'],
      ['incomingServer', 'imap'],
    ]);
    expect(summary.servers.map((server) => sampleLabel(server.hostname))).toEqual([
      'primary-smtp',
      'imap1',
    ]);
    for (const server of summary.servers) {
      expect(server).toMatchObject({
        socketType: 'STARTTLS',
        username: '%EMAILADDRESS%',
        authentication: 'password-cleartext',
      });
    }
    expect(summary.servers.map((server) => server.port)).toEqual(['587', '143']);
    // Compact, no declaration, `<x />` for empty elements, no DAV elements.
    expect(xml.startsWith('<clientConfig version="1.1"><emailProvider id="automx2-')).toBe(true);
    expect(xml).toContain('><identity /><domain>');
    expect(xml).not.toContain('<?xml');
    expect(xml).not.toMatch(/>\s+</);
    expect(xml).not.toMatch(/caldav|carddav|addressBook|calendar/);
  });

  it('example.org: a POP server is incomingServer type="pop3"', async () => {
    const summary = summarise(await fetchConfig(getApp(), forAddress('user@example.org')));
    expect(summary.domains).toEqual(['example.com', 'example.net', 'example.org']);
    expect(summary.servers.map((server) => [server.element, server.type])).toEqual([
      ['outgoingServer', 'smtp'],
      ['incomingServer', 'pop3'],
    ]);
    expect(summary.servers.map((server) => sampleLabel(server.hostname))).toEqual([
      'secondary-smtp',
      'pop1',
    ]);
  });

  it('example.net: its own imap server and the shared smtp server', async () => {
    const summary = summarise(await fetchConfig(getApp(), forAddress('user@example.net')));
    expect(summary.displayName).toBe('Big Corporation, Inc.');
    expect(summary.servers.map((server) => sampleLabel(server.hostname))).toEqual([
      'primary-smtp',
      'imap2',
    ]);
  });

  it('serverless.tld: 200 without server elements', async () => {
    const xml = await fetchConfig(getApp(), forAddress('user@serverless.tld'));
    const summary = summarise(xml);
    expect(summary.domains).toEqual(['serverless.tld']);
    expect(summary.displayName).toBe('Some Other Provider');
    expect(summary.displayShortName).toBe('SOP');
    expect(summary.servers).toEqual([]);
    expect(summary.children).toEqual(['identity', 'domain', 'displayName', 'displayShortName']);
  });

  it('ham-n-eggs.tld (a server of type INVALID): 400 without the host name', async () => {
    const response = await send(getApp(), forAddress('user@ham-n-eggs.tld'));
    expect(response.status).toBe(400);
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
    expect(response.text).not.toContain('ham-n-eggs.tld');
    expect(response.text).not.toContain('<');
  });

  it('an unknown domain: 204 with an empty body', async () => {
    await expectStatus(getApp(), forAddress('user@unknown.example'), 204);
    await expectStatus(getApp(), forAddress('user@unknown.example', WELL_KNOWN), 204);
  });

  it.each([
    ['no query', undefined],
    ['an empty query', ''],
    ['an empty value', 'emailaddress='],
    ['blanks only', 'emailaddress=%20%20'],
    ['other parameters only', 'name=Someone&emailmd5=abc'],
  ])('a missing emailaddress (%s): 400 with the upstream message', async (_label, query) => {
    await expectStatus(getApp(), { path: PATH, query }, 400, MISSING);
  });

  it.each(['a@b@c', 'nodomain', '@x', 'user@', 'a\u0001b@example.com'])(
    'a malformed address (%j): 400',
    async (address) => {
      await expectStatus(getApp(), forAddress(address), 400);
      await expectStatus(getApp(), forAddress(address, WELL_KNOWN), 400);
    },
  );

  it('answers the same document on both paths', async () => {
    const plain = await fetchConfig(getApp(), forAddress('user@example.com', PATH));
    const wellKnown = await fetchConfig(getApp(), forAddress('user@example.com', WELL_KNOWN));
    expect(wellKnown).toBe(plain);
  });

  it.each(PATHS)('HEAD %s: 200, the content type, no body', async (path) => {
    const response = await request(getApp().url)
      .head(`${path}?emailaddress=user%40example.com`)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/xml');
    expect(response.text ?? '').toBe('');
    expect(response.body).toEqual({});
  });

  it('finds the domain whatever its case, and ignores a trailing space', async () => {
    const lower = await fetchConfig(getApp(), forAddress('user@example.com'));
    expect(await fetchConfig(getApp(), forAddress('user@EXAMPLE.COM'))).toBe(lower);
    expect(await fetchConfig(getApp(), forAddress('User@Example.Com '))).toBe(lower);
  });

  it('reads a raw + (which arrives as a space) as part of the address', async () => {
    const expected = await fetchConfig(getApp(), forAddress('user+tag@example.com'));
    const raw = await fetchConfig(getApp(), { query: 'emailaddress=user+tag@example.com' });
    expect(raw).toBe(expected);
    const spaced = await fetchConfig(getApp(), { query: 'emailaddress=user%20tag@example.com' });
    expect(spaced).toBe(expected);
  });

  it('ignores extra parameters (name=, emailmd5=)', async () => {
    const expected = await fetchConfig(getApp(), forAddress('user@example.com'));
    const extra = await fetchConfig(getApp(), {
      query: 'name=Some%20One&emailaddress=user%40example.com&emailmd5=0123456789abcdef',
    });
    expect(extra).toBe(expected);
  });

  it('takes the first emailaddress when it is given twice', async () => {
    const org = await fetchConfig(getApp(), forAddress('user@example.org'));
    const twice = await fetchConfig(getApp(), {
      query: 'emailaddress=user%40example.org&emailaddress=user%40example.com',
    });
    expect(twice).toBe(org);
    await expectStatus(
      getApp(),
      { query: 'emailaddress=user%40unknown.example&emailaddress=user%40example.com' },
      204,
    );
  });

  it.each(['emailaddress[]=user%40example.com', 'emailaddress[x]=user%40example.com'])(
    'counts an array form (%s) as missing',
    async (query) => {
      await expectStatus(getApp(), { query }, 400, MISSING);
    },
  );

  it('refuses POST with 405 and an Allow header naming GET', async () => {
    for (const path of PATHS) {
      const response = await request(getApp().url)
        .post(`${path}?emailaddress=user%40example.com`)
        .set('Content-Type', 'application/xml')
        .send('<x/>');
      expect(response.status).toBe(405);
      const allow = String(response.headers['allow']).split(/,\s*/);
      expect(allow).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      expect(allow).not.toContain('POST');
    }
  });

  it('answers OPTIONS with 204 and an Allow header', async () => {
    for (const path of PATHS) {
      const response = await request(getApp().url).options(path);
      expect(response.status).toBe(204);
      expect(String(response.headers['allow']).split(/,\s*/)).toEqual(
        expect.arrayContaining(['GET', 'HEAD', 'OPTIONS']),
      );
      expect(response.text ?? '').toBe('');
    }
  });
}

/** The Host-header fallback (no emailaddress), on the sample data. */
function hostFallbackCases(getApp: () => TestApp): void {
  /** The generic config: the same as for an address, since placeholders stay. */
  async function expectGeneric(options: ConfigRequest): Promise<void> {
    const xml = await fetchConfig(getApp(), options);
    const summary = summarise(xml);
    expect(summary.domains).toEqual(['example.com', 'example.net', 'example.org']);
    expect(summary.servers.map((server) => sampleLabel(server.hostname))).toEqual([
      'primary-smtp',
      'imap1',
    ]);
    expect(summary.servers.map((server) => server.username)).toEqual([
      '%EMAILADDRESS%',
      '%EMAILADDRESS%',
    ]);
    expect(xml).toBe(await fetchConfig(getApp(), forAddress('user@example.com')));
  }

  it.each(PATHS)('Host: autoconfig.example.com on %s gives the generic config', async (path) => {
    await expectGeneric({ path, headers: { Host: 'autoconfig.example.com' } });
  });

  it('Host: example.com on the .well-known path gives the generic config', async () => {
    await expectGeneric({ path: WELL_KNOWN, headers: { Host: 'example.com' } });
  });

  it('Host: example.com on /mail/config-v1.1.xml is a missing argument', async () => {
    await expectStatus(getApp(), { path: PATH, headers: { Host: 'example.com' } }, 400, MISSING);
  });

  it.each(PATHS)('?emaildomain=example.com on %s gives the generic config', async (path) => {
    await expectGeneric({ path, query: 'emaildomain=example.com' });
  });

  it.each(PATHS)('Host: autoconfig.unknown.tld on %s: 204', async (path) => {
    await expectStatus(getApp(), { path, headers: { Host: 'autoconfig.unknown.tld' } }, 204);
  });

  it('a Host with a port (autoconfig.example.com:4243) works', async () => {
    await expectGeneric({ path: PATH, headers: { Host: 'autoconfig.example.com:4243' } });
    await expectGeneric({ path: WELL_KNOWN, headers: { Host: 'EXAMPLE.COM:4243' } });
  });

  it('an address wins over the Host header', async () => {
    const org = await fetchConfig(getApp(), forAddress('user@example.org'));
    const withHost = await fetchConfig(getApp(), {
      ...forAddress('user@example.org'),
      headers: { Host: 'autoconfig.example.com' },
    });
    expect(withHost).toBe(org);
  });

  it('the loopback Host of a direct request is a missing argument on both paths', async () => {
    for (const path of PATHS) await expectStatus(getApp(), { path }, 400, MISSING);
  });

  it('ignores X-Forwarded-Host with proxy_count 0', async () => {
    for (const path of PATHS) {
      await expectStatus(
        getApp(),
        { path, headers: { 'X-Forwarded-Host': 'autoconfig.example.com' } },
        400,
        MISSING,
      );
    }
  });
}

describe.each(ENGINE_DIALECTS)('autoconfig on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAppOnDatabase(dialect);

    describe('the sample data of GET /initdb/', () => {
      beforeAll(() => resetToSampleData(ctx.app));

      sampleDataCases(() => ctx.app);

      describe('without emailaddress', () => {
        hostFallbackCases(() => ctx.app);

        describe('behind one trusted proxy (proxy_count 1)', () => {
          let proxied: TestApp;

          beforeAll(async () => {
            proxied = await startTestApp({ dbUri: ctx.db.dbUri, config: { proxyCount: 1 } });
          });

          afterAll(async () => {
            await proxied?.close();
          });

          it.each(PATHS)('uses X-Forwarded-Host on %s', async (path) => {
            const expected = await fetchConfig(ctx.app, forAddress('user@example.com'));
            const xml = await fetchConfig(proxied, {
              path,
              headers: { 'X-Forwarded-Host': 'autoconfig.example.com' },
            });
            expect(xml).toBe(expected);
          });

          it('takes the entry our proxy appended (the rightmost)', async () => {
            const expected = await fetchConfig(ctx.app, forAddress('user@example.org'));
            const xml = await fetchConfig(proxied, {
              headers: { 'X-Forwarded-Host': 'autoconfig.example.com, autoconfig.example.org' },
            });
            expect(xml).toBe(expected);
          });

          it('falls back to Host without X-Forwarded-Host', async () => {
            const expected = await fetchConfig(ctx.app, forAddress('user@example.net'));
            const xml = await fetchConfig(proxied, {
              headers: { Host: 'autoconfig.example.net' },
            });
            expect(xml).toBe(expected);
          });
        });
      });
    });

    describe('seed-example.json (POST /initdb/)', () => {
      beforeAll(() => resetToDocument(ctx.app, SEED_EXAMPLE_JSON));

      it('example.com: servers by prio then id, SSL on the implicit-TLS ports', async () => {
        const summary = summarise(await fetchConfig(ctx.app, forAddress('someone@example.com')));
        expect(summary.providerId).toMatch(/^automx2-\d+$/);
        // An IDN goes out in its A-label form (CLIENTS.md: Thunderbird and K-9 take ASCII only).
        expect(summary.domains).toEqual(['example.com', 'example.org', 'xn--bcher-kva.example']);
        expect(summary.displayName).toBe('Example Mail Services');
        expect(summary.displayShortName).toBe('Example');
        expect(
          summary.servers.map((server) => [
            server.element,
            server.type,
            server.hostname,
            server.port,
            server.socketType,
          ]),
        ).toEqual([
          ['outgoingServer', 'smtp', 'submission.example.com', '587', 'STARTTLS'],
          ['incomingServer', 'imap', 'imap.example.com', '993', 'SSL'],
          ['incomingServer', 'pop3', 'pop.example.com', '995', 'SSL'],
          ['outgoingServer', 'smtp', 'smtp.example.com', '465', 'SSL'],
          ['incomingServer', 'imap', 'imap-starttls.example.com', '143', 'STARTTLS'],
        ]);
        for (const server of summary.servers) {
          expect(server.username).toBe('%EMAILADDRESS%');
          expect(server.authentication).toBe('password-cleartext');
        }
      });

      it('every domain of the document has the same servers', async () => {
        const com = await fetchConfig(ctx.app, forAddress('someone@example.com'));
        expect(await fetchConfig(ctx.app, forAddress('someone@example.org'))).toBe(com);
      });

      it('finds the IDN domain in both forms', async () => {
        const com = await fetchConfig(ctx.app, forAddress('someone@example.com'));
        const unicode = await fetchConfig(ctx.app, {
          query: `emailaddress=${encodeURIComponent('a@bücher.example')}`,
        });
        expect(unicode).toBe(com);
        expect(await fetchConfig(ctx.app, forAddress('a@xn--bcher-kva.example'))).toBe(com);
        expect(await fetchConfig(ctx.app, forAddress('a@XN--BCHER-KVA.example'))).toBe(com);
        expect(await fetchConfig(ctx.app, forAddress('a@BÜCHER.example'))).toBe(com);
        // Stored in Unicode, sent as A-labels.
        expect(summarise(unicode).domains).toContain('xn--bcher-kva.example');
      });

      it('finds the IDN domain from an autoconfig.<punycode> Host', async () => {
        const com = await fetchConfig(ctx.app, forAddress('someone@example.com'));
        const xml = await fetchConfig(ctx.app, {
          path: WELL_KNOWN,
          headers: { Host: 'autoconfig.xn--bcher-kva.example' },
        });
        expect(xml).toBe(com);
      });

      it('the sample domains are gone: 204', async () => {
        await expectStatus(ctx.app, forAddress('user@example.net'), 204);
        await expectStatus(ctx.app, forAddress('user@serverless.tld'), 204);
      });
    });

    describe('stored text that needs escaping', () => {
      const provider = 'Ham & <Eggs> "Ltd" Müller';

      beforeAll(() =>
        resetToDocument(
          ctx.app,
          JSON.stringify({
            version: 2,
            provider,
            domains: [{ name: 'eggs.example' }, { name: 'müller.example' }],
            servers: [
              { type: 'imap', name: 'imap.eggs.example' },
              { type: 'smtp', name: 'smtp.eggs.example', port: 587 },
            ],
          }),
        ),
      );

      it('round-trips the provider name through the XML escaping', async () => {
        const xml = await fetchConfig(ctx.app, forAddress('a@eggs.example'));
        expect(xml).toContain('&amp;');
        expect(xml).toContain('&lt;Eggs');
        expect(xml).not.toContain('<Eggs>');
        const summary = summarise(xml);
        expect(summary.displayName).toBe(provider);
        expect(summary.displayShortName).toBe('Ham');
        expect(summary.domains).toEqual(['eggs.example', 'xn--mller-kva.example']);
        // fast-xml-parser's own entity decoding agrees.
        const plain = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(
          xml,
        ) as { clientConfig: { emailProvider: { displayName: string } } };
        expect(plain.clientConfig.emailProvider.displayName).toBe(provider);
      });
    });

    describe('rich data written with plain SQL (issue 13)', () => {
      beforeAll(() => loadRichData(ctx.app, ctx.db));

      /** GETs the document for a request: 200 application/xml, checked against the rows. */
      async function richConfig(domain: RichDomain, options: ConfigRequest): Promise<string> {
        const response = await send(ctx.app, options);
        expect([response.status, response.headers['content-type']]).toEqual([
          200,
          'application/xml',
        ]);
        expectAutoconfigAsStored(response.text, domain);
        return response.text;
      }

      const domainNamed = (name: string) => RICH_DOMAINS.find((domain) => domain.name === name)!;

      it.each(RICH_DOMAINS.map((domain) => [domain.name, domain.about, domain] as const))(
        '%s (%s): every client reads the rows, for every spelling of the address',
        async (_name, _about, domain) => {
          const documents = new Set<string>();
          for (const address of domain.addresses) {
            documents.add(await richConfig(domain, forAddress(address)));
            documents.add(await richConfig(domain, forAddress(address, WELL_KNOWN)));
          }
          expect(documents.size).toBe(1);
        },
      );

      it('sockets.example: odd spellings go out in the canonical, case-sensitive words', async () => {
        const xml = await richConfig(
          domainNamed('sockets.example'),
          forAddress('user@sockets.example'),
        );
        expect(checkK9Autoconfig(xml)).toEqual([]);
        expect(
          summarise(xml).servers.map((s) => [s.type, s.hostname, s.socketType, s.authentication]),
        ).toEqual([
          ['imap', 'imap-ssl.sockets.example', 'SSL', 'password-cleartext'],
          ['smtp', 'smtp-starttls.sockets.example', 'STARTTLS', 'password-cleartext'],
          ['imap', 'imap-starttls.sockets.example', 'STARTTLS', 'password-cleartext'],
          ['smtp', 'smtp-ssl.sockets.example', 'SSL', 'password-encrypted'],
          ['imap', 'imap-auto.sockets.example', 'STARTTLS', 'password-encrypted'],
        ]);
      });

      it('oauth.example: oauth2, gssapi, Client-IP-Address, tls-client-cert in Mozilla spelling', async () => {
        const xml = await richConfig(
          domainNamed('oauth.example'),
          forAddress('user@oauth.example'),
        );
        expect(summarise(xml).servers.map((s) => s.authentication)).toEqual([
          'OAuth2',
          'OAuth2',
          'GSSAPI',
          'client-IP-address',
          'TLS-client-cert',
        ]);
      });

      it('münchen.example: the domain and its servers as A-labels, from any request form', async () => {
        const domain = domainNamed('münchen.example');
        const expected = await richConfig(domain, forAddress('jörg@münchen.example'));
        expect(checkK9Autoconfig(expected)).toEqual([]);
        const summary = summarise(expected);
        expect(summary.domains).toEqual(['xn--mnchen-3ya.example']);
        expect(summary.displayName).toBe('Bücher & Söhne');
        expect(summary.servers.map((s) => s.hostname)).toEqual([
          'imap.xn--bcher-kva.example',
          'smtp.xn--bcher-kva.example',
        ]);
        expect(expected).not.toMatch(/münchen|bücher\.example/);
        const fromHost = await richConfig(domain, {
          path: WELL_KNOWN,
          headers: { Host: 'autoconfig.xn--mnchen-3ya.example' },
        });
        expect(fromHost).toBe(expected);
        const fromDomain = await richConfig(domain, {
          query: `emaildomain=${encodeURIComponent('münchen.example')}`,
        });
        expect(fromDomain).toBe(expected);
      });

      it('ports.example: rows with ports 0, -1, 65536 and 70000 are not in the document at all', async () => {
        const xml = await richConfig(
          domainNamed('ports.example'),
          forAddress('user@ports.example'),
        );
        expect(checkK9Autoconfig(xml)).toEqual([]);
        expect(summarise(xml).servers.map((s) => [s.hostname, s.port])).toEqual([
          ['imap.ports.example', '993'],
          ['smtp.ports.example', '587'],
        ]);
        expect(xml).not.toMatch(/port0|port70000|port65536|negative|<port>(0|-1|65536|70000)</);
      });

      it('Legacy-Auth.Example: K-9 rejects only what it cannot represent (plain, NTLM, none)', async () => {
        const xml = await richConfig(
          domainNamed('Legacy-Auth.Example'),
          forAddress('user@LEGACY-AUTH.example'),
        );
        expect(checkK9Autoconfig(xml)).toEqual([
          expect.stringContaining('incomingServer[1]/socketType[1] "plain"'),
          expect.stringContaining('incomingServer[1] has no authentication'),
          expect.stringContaining('outgoingServer[1]/socketType[1] "plain"'),
          expect.stringContaining('outgoingServer[1] has no authentication'),
          expect.stringContaining('outgoingServer[2] has no authentication'),
        ]);
      });
    });
  });
});

describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
  'autoconfig on the %s adapter (sqlite-memory)',
  (adapter) => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: 'sqlite:///:memory:', adapter });
      await resetToSampleData(app);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('runs on the requested adapter', () => {
      expect(app.config.httpAdapter).toBe(adapter);
    });

    sampleDataCases(() => app);

    describe('without emailaddress', () => {
      hostFallbackCases(() => app);
    });
  },
);
