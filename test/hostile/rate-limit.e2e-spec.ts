import type { AppConfig, HttpAdapterName } from '../../src/config/app-config';
import { rawRequest, targetOf, type RawResponse } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstPassOnly } from '../support/adapter-pass';
import { outlookRequestXml } from '../support/fixtures';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * The opt-in per-client rate limit (issue 7, item 5) on both adapters: off by default;
 * `rate_limit` requests per `rate_limit_window` on autoconfig, Autodiscover POX and
 * mobileconfig together, per client address (proxy_count-aware, IPv6 by /64), then 429
 * with Retry-After and a short text/plain body; loopback exempt unless
 * `rate_limit_loopback`; other routes and other clients unaffected.
 *
 * Clients are told apart by X-Forwarded-For with proxy_count 1 (the entry a trusted
 * proxy appends), as behind the reverse proxy the service is deployed with. Issue 14:
 * a request whose X-Forwarded-For is too short has an unknown client, counted by its
 * socket peer and never exempt; with `trusted_proxies` only a listed peer's header is
 * read (other loopback addresses, 127.0.0.2 and up, play the proxy and a direct peer).
 */

const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
const LIMIT = 5;
const WINDOW_MS = 1000;
const OUTLOOK_REQUEST = outlookRequestXml('user@example.com');

type Call = (app: TestApp, client?: string) => Promise<RawResponse>;

function send(
  app: TestApp,
  method: string,
  path: string,
  client: string | undefined,
  body = '',
  options: { readonly host?: string; readonly from?: string } = {},
): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${options.host ?? 'autoconfig.example.com'}`];
  if (client !== undefined) lines.push(`X-Forwarded-For: ${client}`);
  if (method === 'POST') {
    lines.push('Content-Type: text/xml', `Content-Length: ${Buffer.byteLength(body)}`);
  }
  return rawRequest(
    targetOf(app.url),
    `${lines.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`,
    options.from === undefined ? {} : { localAddress: options.from },
  );
}

const autoconfig: Call = (app, client) =>
  send(app, 'GET', '/mail/config-v1.1.xml?emailaddress=user%40example.com', client);
const LIMITED: readonly [string, Call][] = [
  ['autoconfig', autoconfig],
  [
    'autoconfig (well-known, odd spelling)',
    (app, client) =>
      send(
        app,
        'GET',
        '/.WELL-KNOWN/autoconfig/mail/Config-v1.1.xml/?emaildomain=example.com',
        client,
      ),
  ],
  [
    'Autodiscover POX',
    (app, client) => send(app, 'POST', '/Autodiscover/Autodiscover.xml', client, OUTLOOK_REQUEST),
  ],
  [
    'mobileconfig',
    (app, client) => send(app, 'GET', '/mobileconfig/?emailaddress=user%40example.com', client),
  ],
];
const UNLIMITED: readonly [string, Call][] = [
  ['root page', (app, client) => send(app, 'GET', '/', client)],
  [
    'Autodiscover JSON',
    (app, client) =>
      send(
        app,
        'GET',
        '/autodiscover/autodiscover.json?Email=a%40example.com&Protocol=AutodiscoverV1',
        client,
      ),
  ],
  ['liveness', (app, client) => send(app, 'GET', '/healthz/live', client)],
];

const statuses = async (call: Call, app: TestApp, client: string | undefined, times: number) => {
  const result: number[] = [];
  for (let i = 0; i < times; i += 1) result.push((await call(app, client)).statusCode);
  return result;
};

describeOnce.each(ADAPTERS)('rate limit on %s', (adapter) => {
  const apps: TestApp[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  const start = async (config: Partial<AppConfig>) => {
    const app = await startTestApp({ adapter, config: { proxyCount: 1, ...config } });
    apps.push(app);
    const seeded = await send(app, 'GET', '/initdb/', '127.0.0.1', '', { host: 'localhost' });
    expect(seeded.statusCode).toBe(200);
    return app;
  };

  const limited = (config: Partial<AppConfig['rateLimit']> = {}) =>
    start({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, loopback: false, ...config } });

  it('is off by default', async () => {
    const app = await start({});
    expect(app.config.rateLimit).toEqual({ limit: 0, windowMs: 60_000, loopback: false });
    const seen = await statuses(autoconfig, app, '203.0.113.9', 60);
    expect(seen.filter((status) => status === 429)).toEqual([]);
  });

  it('answers 429 with Retry-After past the limit, on every limited route together, for that client only', async () => {
    const app = await limited();
    const client = '203.0.113.9';
    // The limit is shared by the limited routes: one request on each, then autoconfig.
    for (const [, call] of LIMITED) expect((await call(app, client)).statusCode).toBeLessThan(300);
    expect((await autoconfig(app, client)).statusCode).toBe(200);
    for (const [name, call] of LIMITED) {
      const response = await call(app, client);
      expect({ name, status: response.statusCode }).toEqual({ name, status: 429 });
      expect(response.headers.get('content-type')?.[0]).toMatch(/^text\/plain/);
      expect(response.body.toString('utf8')).toBe('Too many requests');
      const retryAfter = Number(response.headers.get('retry-after')?.[0]);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
    // Other routes, and other clients, are unaffected.
    for (const [name, call] of UNLIMITED) {
      expect({ name, status: (await call(app, client)).statusCode }).toEqual({ name, status: 200 });
    }
    expect((await autoconfig(app, '198.51.100.7')).statusCode).toBe(200);
    // The next window lets the client in again.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    expect((await autoconfig(app, client)).statusCode).toBe(200);
  });

  it('counts the address the trusted proxy saw, whatever the client put left of it', async () => {
    const app = await limited();
    const forged = Array.from({ length: LIMIT + 1 }, (_, i) => `10.9.9.${i}, 192.0.2.44`);
    const seen: number[] = [];
    for (const header of forged) seen.push((await autoconfig(app, header)).statusCode);
    expect(seen.slice(0, LIMIT).every((status) => status === 200)).toBe(true);
    expect(seen[LIMIT]).toBe(429);
  });

  it('counts IPv6 clients by their /64', async () => {
    const app = await limited();
    const sameLine = Array.from(
      { length: LIMIT + 1 },
      (_, i) => `2001:db8:1:2::${(i + 1).toString(16)}`,
    );
    const seen: number[] = [];
    for (const address of sameLine) seen.push((await autoconfig(app, address)).statusCode);
    expect(seen[LIMIT]).toBe(429);
    expect((await autoconfig(app, '2001:db8:1:3::1')).statusCode).toBe(200);
  });

  it('exempts loopback clients unless rate_limit_loopback is set', async () => {
    const exempt = await limited();
    // A loopback address our proxy reported, in either family.
    for (const client of ['127.0.0.1', '::1']) {
      const seen = await statuses(autoconfig, exempt, client, LIMIT * 2);
      expect({ client, limited: seen.filter((s) => s !== 200) }).toEqual({ client, limited: [] });
    }

    const strict = await limited({ loopback: true });
    const seen = await statuses(autoconfig, strict, '127.0.0.1', LIMIT + 1);
    expect(seen.slice(0, LIMIT).every((status) => status === 200)).toBe(true);
    expect(seen[LIMIT]).toBe(429);
  });

  it('counts an unknown client (no X-Forwarded-For from the proxy) by its peer, never exempt', async () => {
    // The peer is loopback, but without the proxy's entry the client is unknown: it
    // must not escape the limit by leaving the header out (issue 14, L1).
    const app = await limited();
    const seen = await statuses(autoconfig, app, undefined, LIMIT + 1);
    expect(seen.slice(0, LIMIT).every((status) => status === 200)).toBe(true);
    expect(seen[LIMIT]).toBe(429);
    // A known client with the peer's address has a counter of its own.
    expect((await autoconfig(app, '203.0.113.50')).statusCode).toBe(200);
  });

  it('with trusted_proxies, reads X-Forwarded-For only from a listed peer', async () => {
    const app = await start({
      trustedProxies: ['127.0.0.2'],
      rateLimit: { limit: LIMIT, windowMs: 60_000, loopback: true },
    });
    const ask = (client: string, from: string) =>
      send(app, 'GET', '/mail/config-v1.1.xml?emailaddress=user%40example.com', client, '', {
        from,
      });
    // Through the proxy: every reported client has its own counter.
    for (let i = 0; i <= LIMIT; i += 1) {
      expect((await ask(`198.51.100.${i}`, '127.0.0.2')).statusCode).toBe(200);
    }
    // A peer that reaches the port directly cannot pose as many clients.
    const direct: number[] = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      direct.push((await ask(`192.0.2.${i}`, '127.0.0.3')).statusCode);
    }
    expect(direct.slice(0, LIMIT).every((status) => status === 200)).toBe(true);
    expect(direct[LIMIT]).toBe(429);
  });
});
