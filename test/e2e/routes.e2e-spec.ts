import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { KNOWN_ROUTES } from '../../src/common/known-routes';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The route table (src/common/known-routes.ts) against the real routes, 404/405/OPTIONS,
 * HEAD, the trailing-slash redirects, and the loopback-only guard of /initdb/.
 */

/** One concrete path per row of KNOWN_ROUTES. */
const SAMPLE_PATHS = [
  '/',
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/autodiscover/autodiscover.xml',
  '/autodiscover/autodiscover.json',
  '/mobileconfig/',
  '/initdb/',
  '/healthz/live',
  '/healthz/ready',
  '/metrics',
  '/autodiscover/autodiscover.json/v1.0/user@example.com',
];

/** Query strings that make the sample requests meaningful (the status only must not be 404/405). */
const SAMPLE_QUERY: Readonly<Record<string, string>> = {
  '/mail/config-v1.1.xml': '?emailaddress=user%40example.com',
  '/.well-known/autoconfig/mail/config-v1.1.xml': '?emailaddress=user%40example.com',
  '/autodiscover/autodiscover.json': '?Email=user%40example.com&Protocol=AutodiscoverV1',
  '/autodiscover/autodiscover.json/v1.0/user@example.com': '?Protocol=AutodiscoverV1',
  '/mobileconfig/': '?emailaddress=user%40example.com',
};

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
type Method = (typeof OTHER_METHODS)[number];

function routeOf(path: string) {
  const rows = KNOWN_ROUTES.filter((route) => route.pattern.test(path));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function call(app: TestApp, method: Method | 'OPTIONS', url: string) {
  const agent = request(app.url);
  switch (method) {
    case 'GET':
      return agent.get(url);
    case 'HEAD':
      return agent.head(url);
    case 'POST':
      return agent.post(url).set('Content-Type', 'text/plain').send('x');
    case 'PUT':
      return agent.put(url).set('Content-Type', 'text/plain').send('x');
    case 'DELETE':
      return agent.delete(url);
    case 'PATCH':
      return agent.patch(url).set('Content-Type', 'text/plain').send('x');
    case 'OPTIONS':
      return agent.options(url);
  }
}

const allowOf = (header: unknown) =>
  (typeof header === 'string' ? header : '')
    .split(',')
    .map((method) => method.trim())
    .filter(Boolean)
    .sort();

describe('the route table', () => {
  it('has exactly one sample path per row', () => {
    const covered = SAMPLE_PATHS.map((path) => routeOf(path));
    for (const route of KNOWN_ROUTES) expect(covered).toContain(route);
  });
});

describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
  'routes on %s',
  (adapter) => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: 'sqlite:///:memory:', adapter });
      await request(app.url).get('/initdb/').expect(200);
    });

    afterAll(async () => {
      await app?.close();
    });

    describe.each(SAMPLE_PATHS)('%s', (path) => {
      const route = routeOf(path);
      const url = `${path}${SAMPLE_QUERY[path] ?? ''}`;

      it.each(route.methods)('answers %s with something other than 404 or 405', async (method) => {
        const response = await call(app, method as Method, url);
        expect({ method, status: response.status }).not.toEqual({ method, status: 404 });
        expect(response.status).not.toBe(405);
        expect(response.status).toBeLessThan(500);
        if (method === 'DELETE') await request(app.url).get('/initdb/').expect(200);
      });

      const wrong = OTHER_METHODS.filter((method) => !route.methods.includes(method));
      it.each(wrong)('answers %s with 405 and an Allow header', async (method) => {
        const response = await call(app, method, url);
        expect(response.status).toBe(405);
        expect(allowOf(response.headers['allow'])).toEqual([...route.methods, 'OPTIONS'].sort());
        if (method !== 'HEAD') {
          expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
        }
      });

      it('answers OPTIONS with 204 (or 200) and an Allow header', async () => {
        const response = await call(app, 'OPTIONS', url);
        expect([200, 204]).toContain(response.status);
        expect(allowOf(response.headers['allow'])).toEqual([...route.methods, 'OPTIONS'].sort());
      });

      if (route.methods.includes('GET')) {
        it('answers HEAD as GET, without a body', async () => {
          const get = await call(app, 'GET', url);
          const head = await call(app, 'HEAD', url);
          expect(head.status).toBe(get.status);
          if (get.status !== 204) {
            expect(head.headers['content-type']).toBe(get.headers['content-type']);
          }
          expect(head.text ?? '').toBe('');
        });
      }
    });

    it.each([
      '/nope',
      '/mail/config-v1.1.xmlx',
      '/mail/',
      '/.env',
      '/initdb/x',
      '/autodiscover/',
      '/autodiscover/autodiscover.json/v1.0/a/b',
      '/wp-login.php',
    ])('answers the unknown path %s with 404 text/plain, for any method', async (path) => {
      for (const method of ['GET', 'POST', 'OPTIONS'] as const) {
        const response = await call(app, method, path);
        expect({ method, status: response.status }).toEqual({ method, status: 404 });
        expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
        expect(response.headers['allow']).toBeUndefined();
        expect(response.text.length).toBeLessThan(100);
      }
    });

    it('never sends X-Powered-By', async () => {
      const responses = await Promise.all([
        request(app.url).get('/'),
        request(app.url).get('/mail/config-v1.1.xml?emailaddress=user%40example.com'),
        request(app.url).get('/mail/config-v1.1.xml?emailaddress=user%40unknown.example'),
        request(app.url).get('/mail/config-v1.1.xml'),
        request(app.url).get('/nope'),
        request(app.url).put('/'),
        request(app.url).options('/initdb/'),
        request(app.url).get('/initdb'),
      ]);
      expect(responses.map((response) => response.status)).toEqual([
        200, 200, 204, 400, 404, 405, 204, 308,
      ]);
      for (const response of responses) expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it.each([
      ['/initdb', '/initdb/'],
      ['/initdb?x=1', '/initdb/?x=1'],
      ['/mobileconfig', '/mobileconfig/'],
      [
        '/mobileconfig?emailaddress=user%40example.com',
        '/mobileconfig/?emailaddress=user%40example.com',
      ],
    ])('redirects %s to %s with 308', async (from, to) => {
      const response = await request(app.url).get(from).redirects(0);
      expect(response.status).toBe(308);
      expect(response.headers['location']).toBe(to);
    });
  },
);

describe('/initdb/ is for loopback clients only', () => {
  /** The answers of the three /initdb/ methods for one X-Forwarded-For (or none). */
  async function initdbStatuses(app: TestApp, forwardedFor?: string): Promise<number[]> {
    const withHeader = <T extends { set(name: string, value: string): T }>(test: T) =>
      forwardedFor === undefined ? test : test.set('X-Forwarded-For', forwardedFor);
    const get = await withHeader(request(app.url).get('/initdb/'));
    const post = await withHeader(
      request(app.url).post('/initdb/').set('Content-Type', 'application/json').send('{}'),
    );
    const del = await withHeader(request(app.url).delete('/initdb/'));
    for (const response of [get, post, del]) {
      if (response.status === 403) {
        expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
        expect(response.text).toBe('Access denied');
      }
    }
    // Leave data behind for the next check (an allowed DELETE purged it). A loopback
    // entry serves with and without trusted proxies.
    await request(app.url).get('/initdb/').set('X-Forwarded-For', '127.0.0.1').expect(200);
    return [get.status, post.status, del.status];
  }

  describe('with proxy_count 0', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: 'sqlite:///:memory:' });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('lets a request from 127.0.0.1 in', async () => {
      expect(await initdbStatuses(app)).toEqual([200, 200, 200]);
    });

    it('ignores X-Forwarded-For (no proxy is trusted)', async () => {
      expect(await initdbStatuses(app, '203.0.113.9')).toEqual([200, 200, 200]);
    });
  });

  describe('with proxy_count 1', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: 'sqlite:///:memory:', config: { proxyCount: 1 } });
      await request(app.url).get('/initdb/').set('X-Forwarded-For', '127.0.0.1').expect(200);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('refuses a client our proxy saw as 203.0.113.9 with 403', async () => {
      expect(await initdbStatuses(app, '203.0.113.9')).toEqual([403, 403, 403]);
    });

    it('lets a client in whose rightmost (trusted) hop is loopback', async () => {
      expect(await initdbStatuses(app, '203.0.113.9, 127.0.0.1')).toEqual([200, 200, 200]);
      expect(await initdbStatuses(app, '::1')).toEqual([200, 200, 200]);
    });

    it('refuses a forged leftmost 127.0.0.1', async () => {
      expect(await initdbStatuses(app, '127.0.0.1, 203.0.113.9')).toEqual([403, 403, 403]);
    });

    it('refuses a request without X-Forwarded-For: the client is unknown, not the socket', async () => {
      expect(await initdbStatuses(app)).toEqual([403, 403, 403]);
    });

    it('leaves the data alone when DELETE is refused', async () => {
      await request(app.url).delete('/initdb/').set('X-Forwarded-For', '203.0.113.9').expect(403);
      await request(app.url)
        .get('/mail/config-v1.1.xml?emailaddress=user%40example.com')
        .expect(200);
    });

    it('does not guard the public routes', async () => {
      await request(app.url)
        .get('/mail/config-v1.1.xml?emailaddress=user%40example.com')
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(200);
    });
  });
});
