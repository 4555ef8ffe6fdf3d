import request from 'supertest';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import {
  adaptServer,
  createNginxPrefix,
  freePort,
  nginxMainConfig,
  readContribNginx,
  removeNginxPrefix,
  startNginx,
  withUpstreamServers,
  type RunningNginx,
} from '../support/nginx';
import { describeWith } from '../support/services';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

/** cache_ttl of the replicas: the documented bound for another replica to see a change. */
const CACHE_TTL_MS = 1000;

/** Repeats `probe` until it resolves true or `ms` pass; returns the elapsed time. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}
import { createTestDatabase, describeDialect, type TestDatabase } from '../support/test-databases';

/**
 * Many replicas, one database (operations issue, item 3): two application instances
 * on PostgreSQL behind a real nginx configured from contrib/nginx/automx2.conf, with
 * proxy_count = 1.
 *
 * Every request reaches nginx over loopback. To act as a remote client, a test sends
 * `X-Test-Client-Address`: the test wrapper (not the sample) tells nginx's realip
 * module to take the client address from it, so nginx's allow/deny rules and the
 * X-Forwarded-For entry nginx appends see that address exactly as they would see a
 * remote peer. A second server block built from the same sample without its allow/deny
 * lines shows what the application does on its own behind a proxy that forgot them.
 */

const CLIENT_HEADER = 'X-Test-Client-Address';
const REMOTE = '198.51.100.7';
const HOST = 'autoconfig.example.org';
const OUTLOOK_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const OUTLOOK_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const OUTLOOK_REQUEST =
  `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request>` +
  '<EMailAddress>someone@example.org</EMailAddress>' +
  `<AcceptableResponseSchema>${OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>` +
  '</Request></Autodiscover>';
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=someone@example.org';

/**
 * Requests a replica answered, from its own /metrics (each application instance has
 * its own registry): for one route pattern, or for every route but /metrics itself.
 */
async function answered(app: TestApp, route?: string): Promise<number> {
  const text = (await request(app.url).get('/metrics').expect(200)).text;
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^automx2_http_requests_total\{route="([^"]*)",status="\d+"\} (\d+)$/.exec(line);
    if (!match) continue;
    const [, lineRoute, value] = match;
    if (route === undefined ? lineRoute !== '/metrics' : lineRoute === route) {
      total += Number(value);
    }
  }
  return total;
}

/**
 * Access-log lines (INFO: `client METHOD route status ms`) mentioning `route`. Nest's
 * loggers are process-wide, so both replicas write to one list; tests read client
 * addresses from it, and count per replica with `answered`.
 */
const accessLines = (log: readonly string[], route: string) =>
  log.filter((line) => line.includes(` ${route} `));

describeWith('nginx')('two replicas behind nginx (contrib/nginx)', () => {
  describeDialect('postgres')('on one PostgreSQL database', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    const log: string[] = [];
    let aStopped = false;
    let nginx: RunningNginx | undefined;
    let prefix: string;
    /** The sample as shipped. */
    let front: string;
    /** The sample without its allow/deny lines. */
    let unguarded: string;

    const startReplica = () =>
      startTestApp({
        dbUri: db.dbUri,
        config: {
          proxyCount: 1,
          loglevel: 'INFO',
          settingsCache: { ...testConfig().settingsCache, ttlMs: CACHE_TTL_MS },
        },
        logLines: log,
      });

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      [a, b] = await Promise.all([startReplica(), startReplica()]);
      const [frontPort, unguardedPort] = await Promise.all([freePort(), freePort()]);
      const sample = readContribNginx();
      const upstream = withUpstreamServers(
        sample.upstream,
        [a, b].map((replica) => new URL(replica.url).host),
      );
      const servers = [
        adaptServer(sample.server, { listen: [`127.0.0.1:${frontPort}`], tls: 'strip' }),
        adaptServer(sample.server, {
          listen: [`127.0.0.1:${unguardedPort}`],
          tls: 'strip',
          withoutAccessRules: true,
        }),
      ];
      const emulateRemoteClients = `set_real_ip_from 127.0.0.1;\nreal_ip_header ${CLIENT_HEADER};`;
      prefix = createNginxPrefix();
      nginx = await startNginx(
        prefix,
        nginxMainConfig(prefix, [emulateRemoteClients, upstream, ...servers].join('\n')),
        [frontPort, unguardedPort],
      );
      front = `http://127.0.0.1:${frontPort}`;
      unguarded = `http://127.0.0.1:${unguardedPort}`;
      // Data for every test, loaded through replica A directly. With proxy_count 1 a
      // request needs the entry the proxy would append: without it the client is unknown.
      await request(a.url).delete('/initdb/').set('X-Forwarded-For', '127.0.0.1').expect(200);
      await request(a.url)
        .post('/initdb/')
        .set('X-Forwarded-For', '127.0.0.1')
        .set('Content-Type', 'application/json')
        .send(SEED_EXAMPLE_JSON)
        .expect(200);
    });

    afterAll(async () => {
      await nginx?.stop();
      if (prefix) removeNginxPrefix(prefix);
      await Promise.all([aStopped ? undefined : a?.close(), b?.close()]);
      await db?.drop();
    });

    it('spreads requests over both replicas, with byte-identical answers', async () => {
      const route = '/mail/config-v1.1.xml';
      const before = await Promise.all([answered(a, route), answered(b, route)]);
      const bodies = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        const response = await request(front).get(AUTOCONFIG).set('Host', HOST).expect(200);
        expect(response.headers['content-type']).toBe('application/xml');
        bodies.add(response.text);
      }
      const after = await Promise.all([answered(a, route), answered(b, route)]);
      const served = after.map((count, index) => count - before[index]!);
      expect(served[0]! + served[1]!).toBe(20);
      expect(served[0]).toBeGreaterThanOrEqual(5);
      expect(served[1]).toBeGreaterThanOrEqual(5);
      expect(bodies.size).toBe(1);
      // …and identical to what each replica answers directly for the same host.
      for (const replica of [a, b]) {
        const direct = await request(replica.url).get(AUTOCONFIG).set('Host', HOST).expect(200);
        expect(direct.text).toBe([...bodies][0]);
      }

      const autodiscover = new Set<string>();
      for (let i = 0; i < 6; i += 1) {
        const response = await request(front)
          .post('/Autodiscover/Autodiscover.xml')
          .set('Host', 'autodiscover.example.org')
          .set('Content-Type', 'text/xml')
          .send(OUTLOOK_REQUEST)
          .expect(200);
        autodiscover.add(response.text);
      }
      expect(autodiscover.size).toBe(1);
      expect([...autodiscover][0]).toContain('imap.example.com');
    });

    it('the application sees the client nginx saw (X-Forwarded-For, proxy_count 1)', async () => {
      const path = '/mail/config-v1.1.xml';
      const before = accessLines(log, path).length;
      // A client's own X-Forwarded-For entries are left of nginx's and never trusted.
      await request(front)
        .get(AUTOCONFIG)
        .set('Host', HOST)
        .set(CLIENT_HEADER, REMOTE)
        .set('X-Forwarded-For', '127.0.0.1')
        .expect(200);
      const lines = accessLines(log, path).slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${REMOTE} GET ${path} 200`);
    });

    it('/initdb/ through nginx from loopback works on either replica', async () => {
      const before = await Promise.all([answered(a, '/initdb'), answered(b, '/initdb')]);
      // The access log names the route pattern, `/initdb`, not the path asked for.
      const logged = accessLines(log, '/initdb').length;
      for (let i = 0; i < 2; i += 1) {
        // An administrator's loopback name: /initdb/ refuses any other Host.
        const response = await request(front).get('/initdb/').set('Host', 'localhost').expect(200);
        expect(response.text).toContain('Database already contains provider data');
      }
      const after = await Promise.all([answered(a, '/initdb'), answered(b, '/initdb')]);
      expect(after).toEqual(before.map((count) => count + 1));
      for (const line of accessLines(log, '/initdb').slice(logged)) {
        expect(line).toContain('127.0.0.1 GET /initdb 200');
      }
    });

    it('from a remote client nginx refuses the administrative paths before any replica', async () => {
      const paths = [
        '/initdb/',
        '/initdb',
        '/INITDB/',
        '/%69nitdb/',
        '//initdb/',
        '/metrics',
        '/Metrics/',
        '/healthz/live',
        '/healthz/ready',
        '/HEALTHZ/READY',
      ];
      const seen = async () => (await answered(a)) + (await answered(b));
      const before = await seen();
      const logged = log.length;
      for (const path of paths) {
        for (const method of ['get', 'post', 'delete'] as const) {
          const agent = request(front);
          const response = await agent[method](path)
            .set('Host', HOST)
            .set(CLIENT_HEADER, REMOTE)
            .set('X-Forwarded-For', '127.0.0.1');
          expect({ path, method, status: response.status }).toEqual({
            path,
            method,
            status: 403,
          });
          expect(response.text).toContain('nginx');
        }
      }
      expect(await seen()).toBe(before);
      // The only new log lines are this test's own direct scrapes of /metrics: with
      // proxy_count 1 and no X-Forwarded-For their client is unknown.
      for (const line of log.slice(logged)) expect(line).toContain(' unknown GET /metrics 200');
      // The same client gets the public routes.
      await request(front).get(AUTOCONFIG).set('Host', HOST).set(CLIENT_HEADER, REMOTE).expect(200);
    });

    it('behind a proxy without the deny rules the application still refuses /initdb/', async () => {
      // A forged X-Forwarded-For: 127.0.0.1 does not help: with proxy_count 1 the
      // application reads the entry nginx appended (the remote address).
      for (const method of ['get', 'post', 'delete'] as const) {
        const agent = request(unguarded);
        const response = await agent[method]('/initdb/')
          .set('Host', HOST)
          .set(CLIENT_HEADER, REMOTE)
          .set('X-Forwarded-For', '127.0.0.1')
          .expect(403);
        expect(response.headers['content-type']).toMatch(/^text\/plain/);
        expect(response.text).toBe('Access denied');
      }
      // Loopback through the same proxy is let in, as on the guarded one (with a loopback
      // Host: under the public name it is refused too).
      await request(unguarded).get('/initdb/').set('Host', 'localhost').expect(200);
      await request(unguarded).get('/initdb/').set('Host', HOST).expect(403);
    });

    it('a change made through replica A is served by A at once and by B within cache_ttl', async () => {
      const ask = (base: string) => request(base).get(AUTOCONFIG).set('Host', HOST).buffer(true);
      await request(a.url).delete('/initdb/').set('X-Forwarded-For', '127.0.0.1').expect(200);
      await ask(a.url).expect(204);
      await within(2 * CACHE_TTL_MS + 500, async () => (await ask(b.url)).status === 204);
      for (let i = 0; i < 4; i += 1) await ask(front).expect(204);

      await request(a.url)
        .post('/initdb/')
        .set('X-Forwarded-For', '127.0.0.1')
        .set('Content-Type', 'application/json')
        .send(SEED_EXAMPLE_JSON)
        .expect(200);
      await ask(a.url).expect(200);
      const elapsed = await within(
        2 * CACHE_TTL_MS + 500,
        async () => (await ask(b.url)).status === 200,
      );
      expect(elapsed).toBeLessThanOrEqual(2 * CACHE_TTL_MS + 500);
      const fromB = await ask(b.url).expect(200);
      expect(fromB.text).toContain('<displayName>Example Mail Services</displayName>');
      for (let i = 0; i < 4; i += 1) {
        const response = await ask(front).expect(200);
        expect(response.text).toBe(fromB.text);
      }
    });

    it('when replica A stops, replica B answers every request', async () => {
      await a.close();
      aStopped = true;
      const before = await answered(b, '/mail/config-v1.1.xml');
      for (let i = 0; i < 10; i += 1) {
        await request(front).get(AUTOCONFIG).set('Host', HOST).expect(200);
      }
      expect(await answered(b, '/mail/config-v1.1.xml')).toBe(before + 10);
    });
  });
});
