import request from 'supertest';
import type { HttpAdapterName, LogFormat } from '../../src/config/app-config';
import { firstPassOnly } from '../support/adapter-pass';
import { outlookRequestXml, SEED_EXAMPLE_JSON } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The access log (issue 17, "Structured access log"): at INFO one line per answered
 * request with method, route pattern, status, ms, client and the domain asked about —
 * JSON fields with `log_format = json`, one readable line with `text` — and never the
 * local part, the full address or the raw path. Both adapters, in one pass.
 */

const ADAPTERS: readonly HttpAdapterName[] = ['fastify', 'express'];
const LOCAL = 'Secret.Person';
const HOST = 'autodiscover.example.com';
const ACCESS = /\[Access\]|"context":"Access"/;

interface Exchange {
  readonly name: string;
  readonly method: string;
  readonly send: (app: TestApp) => request.Test;
  readonly route: string;
  readonly domain: string | undefined;
}

const get = (app: TestApp, path: string) => request(app.url).get(path).set('Host', HOST);

/** One request per way an address (or domain) reaches the application, and two without. */
const EXCHANGES: readonly Exchange[] = [
  {
    name: 'autoconfig ?emailaddress=',
    method: 'GET',
    send: (app) => get(app, `/mail/config-v1.1.xml?emailaddress=${LOCAL}@Example.COM`),
    route: '/mail/config-v1.1.xml',
    domain: 'example.com',
  },
  {
    name: 'autoconfig ?emaildomain=',
    method: 'GET',
    send: (app) => get(app, '/.well-known/autoconfig/mail/config-v1.1.xml?emaildomain=Example.ORG'),
    route: '/.well-known/autoconfig/mail/config-v1.1.xml',
    domain: 'example.org',
  },
  {
    name: 'Autodiscover POX body',
    method: 'POST',
    send: (app) =>
      request(app.url)
        .post('/AutoDiscover/AutoDiscover.xml')
        .set('Content-Type', 'text/xml')
        .send(outlookRequestXml(`${LOCAL}&#64;example.com`)),
    route: '/autodiscover/autodiscover.xml',
    domain: 'example.com',
  },
  {
    name: 'Autodiscover v2 JSON ?Email=',
    method: 'GET',
    send: (app) =>
      get(
        app,
        `/Autodiscover/Autodiscover.json?Email=${LOCAL}%40example.org&Protocol=AutodiscoverV1`,
      ),
    route: '/autodiscover/autodiscover.json',
    domain: 'example.org',
  },
  {
    name: 'Autodiscover v2 JSON /v1.0/<address>',
    method: 'GET',
    send: (app) =>
      get(
        app,
        `/autodiscover/autodiscover.json/v1.0/${LOCAL}%40B%C3%BCcher.example?Protocol=AutodiscoverV1`,
      ),
    route: '/autodiscover/autodiscover.json/v1.0/:address',
    domain: 'bücher.example',
  },
  {
    name: 'mobileconfig ?emailaddress=',
    method: 'GET',
    send: (app) => get(app, `/mobileconfig/?emailaddress=${LOCAL}@example.com`),
    route: '/mobileconfig',
    domain: 'example.com',
  },
  {
    name: 'an invalid address (no domain logged)',
    method: 'GET',
    send: (app) => get(app, `/mail/config-v1.1.xml?emailaddress=${LOCAL}@exa_mple.com`),
    route: '/mail/config-v1.1.xml',
    domain: undefined,
  },
  {
    name: 'a route without an address',
    method: 'GET',
    send: (app) => get(app, '/healthz/live'),
    route: '/healthz/live',
    domain: undefined,
  },
];

/** The access lines logged from `from` on, once `count` of them are there. */
async function accessLinesAfter(
  logLines: readonly string[],
  from: number,
  count: number,
): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = logLines.slice(from).filter((line) => ACCESS.test(line));
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function expectNoAddress(logLines: readonly string[]): void {
  const all = logLines.join('');
  expect(all).not.toMatch(/secret\.person/i);
  expect(all).not.toContain('@example');
  expect(all).not.toContain('%40');
}

/**
 * The application on `adapter` with `logFormat`, seeded, for the enclosing describe.
 * One at a time: Nest's loggers are process-wide, so the last application started
 * gets every line.
 */
function useLoggedApp(
  adapter: HttpAdapterName,
  logFormat: LogFormat,
): { readonly app: TestApp; readonly logLines: string[] } {
  const logLines: string[] = [];
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp({ adapter, logLines, config: { loglevel: 'INFO', logFormat } });
    await request(app.url)
      .post('/initdb/')
      .set('Content-Type', 'application/json')
      .send(SEED_EXAMPLE_JSON)
      .expect(200);
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      if (app === undefined) throw new Error('use the application inside tests');
      return app;
    },
    logLines,
  };
}

firstPassOnly().each(ADAPTERS)('the access log on %s', (adapter) => {
  describe('log_format = json', () => {
    const logged = useLoggedApp(adapter, 'json');

    it.each(EXCHANGES)('$name: one INFO line of fields, no message', async (exchange) => {
      const { app, logLines } = logged;
      const before = logLines.length;
      const response = await exchange.send(app);
      const [line, ...more] = await accessLinesAfter(logLines, before, 1);
      expect(more).toEqual([]);
      const parsed = JSON.parse(line!) as Record<string, unknown>;
      const expected: Record<string, unknown> = {
        level: 'INFO',
        context: 'Access',
        method: exchange.method,
        route: exchange.route,
        status: response.status,
        client: '127.0.0.1',
      };
      if (exchange.domain !== undefined) expected.domain = exchange.domain;
      const { time, ms, ...rest } = parsed;
      expect(rest).toEqual(expected);
      expect(typeof time).toBe('string');
      expect(typeof ms).toBe('number');
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(parsed).not.toHaveProperty('message');
      expectNoAddress(logLines);
    });

    it('answers the address routes with real answers (the seeded domains)', async () => {
      const { app } = logged;
      for (const exchange of EXCHANGES.slice(0, 6)) {
        expect({ name: exchange.name, status: (await exchange.send(app)).status }).toEqual({
          name: exchange.name,
          status: 200,
        });
      }
    });

    it('every line parses as JSON', () => {
      const { logLines } = logged;
      expect(logLines.length).toBeGreaterThan(EXCHANGES.length);
      for (const line of logLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    });
  });

  describe('log_format = text', () => {
    const logged = useLoggedApp(adapter, 'text');

    it.each(EXCHANGES)('$name: one readable INFO line', async (exchange) => {
      const { app, logLines } = logged;
      const before = logLines.length;
      const response = await exchange.send(app);
      const lines = await accessLinesAfter(logLines, before, 1);
      expect(lines).toHaveLength(1);
      const domain = exchange.domain === undefined ? '' : ` domain=${exchange.domain}`;
      const text = lines[0]!.replace(/^\S+ /, '').replace(/ \d+\.\dms/, ' Nms');
      expect(text).toBe(
        `INFO [Access] 127.0.0.1 ${exchange.method} ${exchange.route} ` +
          `${response.status} Nms${domain}\n`,
      );
      expectNoAddress(logLines);
    });
  });
});
