import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { ensureBuilt } from '../support/dist';
import { SEED_EXAMPLE_JSON, outlookRequestXml } from '../support/fixtures';
import { createPgCluster, type PgCluster } from '../support/pg-cluster';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { describeDialect } from '../support/test-databases';
import { firstPassOnly } from '../support/adapter-pass';

/** Adapter-independent: the Express re-run of `npm test` skips it. */
const once = firstPassOnly;

/**
 * Faults (issue 7, item 4a/4b) on the compiled server with a PostgreSQL cluster of the
 * test's own (never the machine's shared server):
 * - the database is unreachable at start-up: the process starts, is live and not
 *   ready, every route that needs the database answers 503 with Retry-After, and it
 *   recovers by itself once the database appears (the documented choice: start and
 *   report not-ready, see DatabaseConnection);
 * - the database is killed under load: 503 with Retry-After while it is down, never
 *   another 5xx, never a dropped connection, no crash, full recovery without a restart.
 */

const ADDRESS = 'someone@example.org';
const OUTLOOK_REQUEST = outlookRequestXml(ADDRESS);

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

const CONFIG_CALLS: readonly Call[] = [
  { method: 'GET', path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(ADDRESS)}` },
  {
    method: 'GET',
    path: '/.well-known/autoconfig/mail/config-v1.1.xml?emaildomain=example.org',
  },
  {
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: OUTLOOK_REQUEST,
    contentType: 'text/xml',
  },
  { method: 'GET', path: `/mobileconfig/?emailaddress=${encodeURIComponent(ADDRESS)}` },
];

/** One HTTP exchange; rejects only on transport errors (reset, refused, timeout). */
function call(base: string, target: Call, agent?: Agent, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.path, base);
    const req = httpRequest(
      url,
      {
        method: target.method,
        agent,
        timeout: timeoutMs,
        headers: {
          // /initdb/ answers only a loopback Host.
          Host: url.pathname.startsWith('/initdb/') ? 'localhost' : 'autoconfig.example.org',
          ...(target.contentType !== undefined && { 'Content-Type': target.contentType }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(target.body);
  });
}

async function until(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

once(describeDialect('postgres'))('database faults on the compiled server', () => {
  let cluster: PgCluster | undefined;
  let server: ServerProcess | undefined;

  const base = () => {
    if (!server) throw new Error('server not started');
    return server.url;
  };

  beforeAll(async () => {
    ensureBuilt();
    cluster = await createPgCluster();
    // Not started: the database is unreachable when the server starts.
    server = await startServerProcess({ db_uri: cluster.uri(), loglevel: 'WARNING' });
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
    await cluster?.destroy();
  });

  it('starts without its database: live, not ready, 503 with Retry-After everywhere it matters', async () => {
    expect((await call(base(), { method: 'GET', path: '/healthz/live' })).status).toBe(200);
    const ready = await call(base(), { method: 'GET', path: '/healthz/ready' });
    expect(ready.status).toBe(503);
    expect(ready.headers['retry-after']).toMatch(/^\d+$/);
    for (const target of [
      ...CONFIG_CALLS,
      { method: 'GET', path: '/initdb/' } as const,
      { method: 'GET', path: '/' } as const,
    ]) {
      const answer = await call(base(), target);
      expect({ path: target.path, status: answer.status }).toEqual({
        path: target.path,
        status: 503,
      });
      expect(answer.headers['retry-after']).toMatch(/^\d+$/);
      expect(answer.headers['content-type']).toMatch(/^text\/plain/);
      expect(answer.body.length).toBeLessThan(100);
    }
    expect(server?.running()).toBe(true);
  });

  it('recovers by itself once the database appears, without a restart', async () => {
    const pid = server?.child.pid;
    await cluster?.start();
    const readiness = () => call(base(), { method: 'GET', path: '/healthz/ready' });
    // Reached: not ready only for want of the tables, which nobody has created yet.
    const took = await until(
      'reached',
      async () => (await readiness()).body.includes('database schema missing'),
      15_000,
    );
    expect(took).toBeLessThan(15_000);
    const seeded = await call(base(), {
      method: 'POST',
      path: '/initdb/',
      body: SEED_EXAMPLE_JSON,
      contentType: 'application/json',
    });
    expect(seeded.body).toContain('Database is now prepared');
    expect((await readiness()).status).toBe(200);
    for (const target of CONFIG_CALLS) {
      expect({ path: target.path, status: (await call(base(), target)).status }).toEqual({
        path: target.path,
        status: 200,
      });
    }
    expect(server?.child.pid).toBe(pid);
    expect(server?.running()).toBe(true);
  });

  it('answers 503 while the database is killed under load, then recovers without a restart', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    const wrong503: string[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let stopped = false;
    let sent = 0;
    const seen = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const worker = async (offset: number) => {
      for (let i = offset; !stopped; i += 1) {
        const target = CONFIG_CALLS[i % CONFIG_CALLS.length]!;
        sent += 1;
        try {
          const answer = await call(base(), target, agent);
          seen(`${phase} ${answer.status}`);
          if (answer.status === 503 && !/^\d+$/.test(String(answer.headers['retry-after']))) {
            wrong503.push(target.path);
          }
        } catch (error) {
          failures.push(`${phase} ${target.path}: ${(error as Error).message}`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      phase = 'down';
      await cluster?.stop('immediate');
      await until(
        '503 while down',
        () => Promise.resolve((statuses.get('down 503') ?? 0) > 20),
        10_000,
      );
      await cluster?.start();
      phase = 'after';
      await until(
        '200 after recovery',
        () => Promise.resolve((statuses.get('after 200') ?? 0) > 50),
        20_000,
      );
    } finally {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
    }
    expect(failures).toEqual([]);
    expect(wrong503).toEqual([]);
    // Before: all 200. Down: 503 (and 200s answered just before the kill). After: 200,
    // with 503s only until the pool has reconnected.
    expect(Object.fromEntries(statuses)).toEqual(
      Object.fromEntries(
        [...statuses.keys()]
          .filter((key) => /^(before 200|down (200|503)|after (200|503))$/.test(key))
          .map((key) => [key, statuses.get(key)]),
      ),
    );
    expect(statuses.get('before 200')).toBeGreaterThan(0);
    expect(statuses.get('down 503')).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(100);
    // The last answers are all 200: run a final round.
    for (const target of CONFIG_CALLS) expect((await call(base(), target)).status).toBe(200);
    expect((await call(base(), { method: 'GET', path: '/healthz/ready' })).status).toBe(200);
    expect(server?.running()).toBe(true);
    // The outage is logged, once per outage, without a stack trace.
    const stderr = server?.stderr() ?? '';
    expect(stderr).toMatch(/ERROR \[Database\] database unavailable/);
    expect(stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
  });
});
