import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createToken } from '../../src/admin/auth/token-file';
import type { HttpAdapterName } from '../../src/config/app-config';
import { ADMIN_ROUTES, allowedMethods, KNOWN_ROUTES } from '../../src/common/known-routes';
import { appRoutes, samplePath } from '../support/app-routes';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * The route tables (src/common/known-routes.ts) against the real routes, 404/405/OPTIONS,
 * HEAD, the trailing-slash redirects, and the loopback-only guard of /initdb/; the admin
 * API's table with the API on (JSON answers, every route behind the token guard).
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

/** One concrete path per row of ADMIN_ROUTES. */
const ADMIN_SAMPLE_PATHS = [
  '/admin/api/v1/domains',
  '/admin/api/v1/domains/example.com',
  '/admin/api/v1/domains/example.com/findings',
  '/admin/api/v1/domains/example.com/dns',
  ...['servers', 'davservers', 'ldapservers', 'providers'].flatMap((kind) => [
    `/admin/api/v1/${kind}`,
    `/admin/api/v1/${kind}/1`,
    `/admin/api/v1/${kind}/1/domains`,
  ]),
  '/admin/api/v1/import',
  '/admin/api/v1/export',
  '/admin/api/v1/openapi.json',
  '/admin/api/v1/preview',
];

/** Query strings the admin sample paths need to answer 200. */
const ADMIN_SAMPLE_QUERY: Readonly<Record<string, string>> = {
  '/admin/api/v1/preview': '?address=user%40example.com',
};

function routeOf(path: string, table = KNOWN_ROUTES) {
  const rows = table.filter((route) => route.pattern.test(path));
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

  it('has exactly one admin sample path per admin row', () => {
    const covered = ADMIN_SAMPLE_PATHS.map((path) => routeOf(path, ADMIN_ROUTES));
    for (const route of ADMIN_ROUTES) expect(covered).toContain(route);
    expect(new Set(covered).size).toBe(ADMIN_ROUTES.length);
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
      // The admin API is off here (no admin_tokens_file).
      '/admin/',
      '/admin/api/v1/domains',
      '/admin/api/v1/openapi.json',
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

describe.each(['fastify', 'express'] as const satisfies readonly HttpAdapterName[])(
  'admin routes on %s',
  (adapter) => {
    let app: TestApp;
    let dir: string;
    let token: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'automx2-routes-'));
      const tokensFile = join(dir, 'admin-tokens');
      token = await createToken(tokensFile, 'routes');
      app = await startTestApp({
        dbUri: 'sqlite:///:memory:',
        adapter,
        // The sample data then has a row of every shared kind (LDAP server 1 included).
        env: { LDAP_HOSTNAME: 'ldap.example.com' },
        // Every route is called without a token below: no client gets blocked (429).
        config: { admin: { ...testConfig().admin, tokensFile, authFailures: 10_000 } },
      });
      await request(app.url).get('/initdb/').expect(200);
    });

    afterAll(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const isJson = (response: request.Response) =>
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');

    it('has a table row for every admin route of the application, and no more', () => {
      // The console's page and assets (/admin/, /admin/assets/:file) are not API routes.
      const routes = appRoutes(app.app).filter((route) => route.path.startsWith('/admin/api/'));
      const listed = ADMIN_ROUTES.flatMap((row) => row.methods.filter((m) => m !== 'HEAD'));
      expect(routes).toHaveLength(listed.length);
      for (const { method, path } of routes) {
        expect({ path, methods: allowedMethods(samplePath(path), true) }).toEqual({
          path,
          methods: expect.arrayContaining([method]),
        });
      }
      for (const path of ADMIN_SAMPLE_PATHS) {
        const real = routes.filter((route) => samplePath(route.path) === path);
        const listed = routeOf(path, ADMIN_ROUTES).methods.filter((method) => method !== 'HEAD');
        expect({ path, methods: real.map((route) => route.method).sort() }).toEqual({
          path,
          methods: [...listed].sort(),
        });
      }
    });

    describe.each(ADMIN_SAMPLE_PATHS)('%s', (path) => {
      const route = routeOf(path, ADMIN_ROUTES);

      it.each(route.methods)('answers %s without a token 401, as JSON', async (method) => {
        const response = await call(app, method as Method, path);
        expect({ method, status: response.status }).toEqual({ method, status: 401 });
        expect(response.headers['www-authenticate']).toBe('Bearer realm="automx2-nest admin"');
        if (method !== 'HEAD') {
          isJson(response);
          expect(JSON.parse(response.text)).toEqual({ error: 'missing or invalid bearer token' });
        }
      });

      const wrong = OTHER_METHODS.filter((method) => !route.methods.includes(method));
      it.each(wrong)('answers %s with 405, an Allow header and JSON', async (method) => {
        const response = await call(app, method, path).set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(405);
        expect(allowOf(response.headers['allow'])).toEqual([...route.methods, 'OPTIONS'].sort());
        if (method !== 'HEAD') {
          isJson(response);
          expect(JSON.parse(response.text)).toEqual({ error: 'method not allowed' });
        }
      });

      it('answers OPTIONS with 204 and an Allow header', async () => {
        const response = await call(app, 'OPTIONS', path);
        expect(response.status).toBe(204);
        expect(allowOf(response.headers['allow'])).toEqual([...route.methods, 'OPTIONS'].sort());
      });

      if (route.methods.includes('GET')) {
        it('answers HEAD with a token as GET, without a body', async () => {
          const url = `${path}${ADMIN_SAMPLE_QUERY[path] ?? ''}`;
          const get = await call(app, 'GET', url).set('Authorization', `Bearer ${token}`);
          const head = await call(app, 'HEAD', url).set('Authorization', `Bearer ${token}`);
          expect(get.status).toBe(200);
          expect(head.status).toBe(200);
          expect(head.headers['content-type']).toBe(get.headers['content-type']);
          expect(head.headers['etag']).toBe(get.headers['etag']);
          expect(head.text ?? '').toBe('');
        });
      }
    });

    it.each([
      '/admin/api',
      '/admin/api/v1',
      '/admin/api/v2/domains',
      '/admin/api/v1/nope',
      '/admin/api/v1/domains/a/b',
      '/admin/api/v1/servers/1/domains/x',
    ])('answers the unknown admin path %s with 404 JSON, for any method', async (path) => {
      for (const method of ['GET', 'POST', 'OPTIONS'] as const) {
        const response = await call(app, method, path).set('Authorization', `Bearer ${token}`);
        expect({ method, status: response.status }).toEqual({ method, status: 404 });
        isJson(response);
        expect(JSON.parse(response.text)).toEqual({ error: 'not found' });
        expect(response.headers['allow']).toBeUndefined();
      }
    });

    it('answers a path whose escapes do not decode 400 JSON', async () => {
      const response = await request(app.url)
        .get('/admin/api/v1/domains/%E0%A4%A')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(400);
      isJson(response);
      expect(JSON.parse(response.text)).toEqual({ error: 'bad request' });
    });

    it('keeps the public routes as they are', async () => {
      const response = await request(app.url).put('/');
      expect(response.status).toBe(405);
      expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
      // /admin/ itself is the web console now (test/e2e/console-serving.e2e-spec.ts).
      const unknown = await request(app.url).get('/admin/x');
      expect(unknown.status).toBe(404);
      expect(String(unknown.headers['content-type'])).toMatch(/^text\/plain/);
    });
  },
);
