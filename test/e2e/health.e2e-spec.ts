import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { SCHEMA_MISSING } from '../../src/health/schema-probe';
import { MetricsService } from '../../src/metrics/metrics.service';
import { ROOT } from '../support/dist';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  createTestDatabase,
  describeDialect,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';

/**
 * Liveness, readiness and /metrics (BEHAVIOUR.md §1 "operations"), on both adapters,
 * plus the container's healthcheck script against a real server.
 */

const UNREACHABLE_DB = 'postgresql://postgres@127.0.0.1:1/x';
const HEALTHCHECK = join(ROOT, 'docker', 'healthcheck.js');
const ADAPTERS: readonly HttpAdapterName[] = ['fastify', 'express'];

/** Runs docker/healthcheck.js against `url`; resolves to its exit code. */
function runHealthcheck(url: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HEALTHCHECK, url], { timeout: 10_000 }, (error) => {
      resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0);
    });
  });
}

/** A TCP server that accepts connections and never says a word (a hung database). */
async function startSilentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The value of one sample line of the exposition, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(ADAPTERS)('health and metrics on %s', (adapter) => {
  describe('with a working database', () => {
    let db: TestDatabase;
    let app: TestApp;

    beforeAll(async () => {
      db = await createTestDatabase('sqlite-file');
      app = await startTestApp({ dbUri: db.dbUri, adapter, config: { proxyCount: 1 } });
      // The tables (proxy_count 1: the client is the one X-Forwarded-For names).
      await request(app.url).get('/initdb/').set('X-Forwarded-For', '127.0.0.1').expect(200);
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('GET /healthz/live answers 200 ok as text/plain, HEAD too', async () => {
      const response = await request(app.url).get('/healthz/live').expect(200, 'ok');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.headers['cache-control']).toBe('no-store');
      await request(app.url).head('/healthz/live').expect(200);
    });

    it('GET /healthz/ready answers 200 ok', async () => {
      const response = await request(app.url).get('/healthz/ready').expect(200, 'ok');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
    });

    it('other methods on the health paths get 405 with Allow', async () => {
      for (const path of ['/healthz/live', '/healthz/ready', '/metrics']) {
        const response = await request(app.url).post(path).expect(405);
        expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
      }
    });

    it('the healthcheck script exits 0 on a live server and 1 on a closed port', async () => {
      await expect(runHealthcheck(`${app.url}/healthz/live`)).resolves.toBe(0);
      await expect(runHealthcheck('http://127.0.0.1:1/healthz/live')).resolves.toBe(1);
      await expect(runHealthcheck(`${app.url}/no-such-path`)).resolves.toBe(1);
    });

    it('/metrics counts requests by route pattern and status, never by raw URL', async () => {
      const before = await request(app.url).get('/metrics').expect(200);
      expect(before.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const series = (route: string, status: number) =>
        `automx2_http_requests_total{route="${route}",status="${status}"}`;
      const count = (text: string, route: string, status: number) =>
        sample(text, series(route, status)) ?? 0;

      for (let i = 0; i < 3; i += 1) {
        await request(app.url)
          .get('/mail/config-v1.1.xml')
          .query({ emailaddress: `user${i}@unknown-${i}.example` })
          .expect(204);
      }
      await request(app.url).get('/no/such/path-4711').expect(404);
      await request(app.url).get('/AutoDiscover/AutoDiscover.json/v1.0/x7@example.org').query({
        Protocol: 'AutodiscoverV1',
      });
      // Refused by LocalhostGuard (proxy_count 1, a remote client): still counted under /initdb.
      await request(app.url).get('/initdb/').set('X-Forwarded-For', '198.51.100.7').expect(403);

      const after = await request(app.url).get('/metrics').expect(200);
      const text = after.text;
      expect(count(text, '/mail/config-v1.1.xml', 204)).toBe(
        count(before.text, '/mail/config-v1.1.xml', 204) + 3,
      );
      expect(count(text, 'unmatched', 404)).toBe(count(before.text, 'unmatched', 404) + 1);
      expect(count(text, '/initdb', 403)).toBe(count(before.text, '/initdb', 403) + 1);
      expect(text).toMatch(
        /^automx2_http_requests_total\{route="\/autodiscover\/autodiscover\.json\/v1\.0\/:address",status="\d{3}"\} 1$/m,
      );
      expect(count(text, '/metrics', 200)).toBeGreaterThanOrEqual(1);
      // Unbounded request data never becomes a label value.
      for (const raw of ['unknown-0', 'path-4711', 'x7@example.org', 'emailaddress', '?']) {
        expect(text.split('\n').filter((line) => line.startsWith('automx2_http'))).not.toEqual(
          expect.arrayContaining([expect.stringContaining(raw)]),
        );
      }
      // Latency histogram per route.
      expect(
        sample(text, 'automx2_http_request_duration_seconds_count{route="/mail/config-v1.1.xml"}'),
      ).toBeGreaterThanOrEqual(3);
      expect(text).toContain(
        'automx2_http_request_duration_seconds_bucket{le="0.005",route="/mail/config-v1.1.xml"}',
      );
      expect(text).toContain('# TYPE automx2_http_request_duration_seconds histogram');
      // Process metrics.
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    });

    it('database, directory and cache observations are exposed', async () => {
      const metrics = app.app.get(MetricsService);
      const before = (await request(app.url).get('/metrics').expect(200)).text;
      metrics.observeDb(3, true);
      metrics.observeDb(1200, false);
      metrics.observeDirectory(20, false);
      metrics.countCacheLookup('directory', true);
      const text = (await request(app.url).get('/metrics').expect(200)).text;
      const delta = (series: string) => (sample(text, series) ?? 0) - (sample(before, series) ?? 0);
      expect(delta('automx2_db_query_duration_seconds_count')).toBe(2);
      expect(delta('automx2_db_query_errors_total')).toBe(1);
      expect(delta('automx2_db_query_duration_seconds_bucket{le="1"}')).toBe(1);
      expect(delta('automx2_directory_lookup_duration_seconds_count')).toBe(1);
      expect(delta('automx2_directory_lookup_errors_total')).toBe(1);
      expect(delta('automx2_cache_lookups_total{cache="directory",result="hit"}')).toBe(1);
    });
  });

  describe("with a database without automx2's tables", () => {
    let db: TestDatabase;
    let app: TestApp;
    const logLines: string[] = [];
    const logged = (pattern: RegExp) => logLines.filter((line) => pattern.test(line));

    beforeAll(async () => {
      db = await createTestDatabase('sqlite-file');
      app = await startTestApp({ dbUri: db.dbUri, adapter, logLines });
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('is not ready (503 naming the reason, logged once) until GET /initdb/ creates them; lookups stay 204', async () => {
      for (let probe = 0; probe < 3; probe += 1) {
        const response = await request(app.url).get('/healthz/ready').expect(503);
        expect(response.headers['content-type']).toMatch(/^text\/plain/);
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expect(response.text).toBe(`Not ready: ${SCHEMA_MISSING}`);
      }
      await expect(runHealthcheck(`${app.url}/healthz/ready`)).resolves.toBe(1);
      await request(app.url)
        .get('/mail/config-v1.1.xml')
        .query({ emailaddress: 'user@example.com' })
        .expect(204);
      expect(logged(/not ready/)).toEqual([
        expect.stringMatching(
          / WARNING \[Readiness\] not ready: database schema missing: run `automx2-nest migrate` or GET \/initdb\/\n$/,
        ),
      ]);

      await request(app.url).get('/initdb/').expect(200);
      for (let probe = 0; probe < 3; probe += 1) {
        await request(app.url).get('/healthz/ready').expect(200, 'ok');
      }
      expect(logged(/\[Readiness\]/)).toEqual([
        expect.stringContaining('not ready: database schema missing'),
        expect.stringMatching(/ WARNING \[Readiness\] database schema present: ready\n$/),
      ]);
    });
  });

  describe('with an unreachable database', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ dbUri: UNREACHABLE_DB, adapter });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('starts, is live, and is not ready: 503 text/plain with Retry-After', async () => {
      await request(app.url).get('/healthz/live').expect(200, 'ok');
      const response = await request(app.url).get('/healthz/ready').expect(503);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.text).toBe('Not ready: database unavailable');
      await expect(runHealthcheck(`${app.url}/healthz/ready`)).resolves.toBe(1);
      await expect(runHealthcheck(`${app.url}/healthz/live`)).resolves.toBe(0);
    });
  });
});

describe('readiness with a database that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let app: TestApp;

  beforeAll(async () => {
    silent = await startSilentServer();
    app = await startTestApp({ dbUri: `postgresql://postgres@127.0.0.1:${silent.port}/x` });
  });

  afterAll(async () => {
    await silent?.close();
    await app?.close();
  });

  it('answers 503 after about a second instead of hanging the probe', async () => {
    const started = Date.now();
    const probes = await Promise.all(
      [1, 2, 3].map(() => request(app.url).get('/healthz/ready').expect(503)),
    );
    const elapsed = Date.now() - started;
    expect(probes).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2500);
    await request(app.url).get('/healthz/live').expect(200);
  });
});

describe.each(['postgres', 'mysql'] as const satisfies readonly Dialect[])(
  'readiness on %s',
  (dialect) => {
    describeDialect(dialect)('', () => {
      let db: TestDatabase;
      let app: TestApp;

      beforeAll(async () => {
        db = await createTestDatabase(dialect);
        app = await startTestApp({ dbUri: db.dbUri });
      });

      afterAll(async () => {
        await app?.close();
        await db?.drop();
      });

      it('is not ready without the schema, ready once GET /initdb/ made it, not ready once the database is gone', async () => {
        const missing = await request(app.url).get('/healthz/ready').expect(503);
        expect(missing.text).toBe(`Not ready: ${SCHEMA_MISSING}`);
        await request(app.url).get('/initdb/').expect(200);
        await request(app.url).get('/healthz/ready').expect(200, 'ok');
        await db.drop();
        await request(app.url).get('/healthz/ready').expect(503);
        await request(app.url).get('/healthz/live').expect(200);
      });
    });
  },
);
