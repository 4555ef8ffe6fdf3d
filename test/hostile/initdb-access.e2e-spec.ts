import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/bootstrap/create-app';
import { AppLogger } from '../../src/common/app-logger';
import type { AppConfig, HttpAdapterName } from '../../src/config/app-config';
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
import { rawRequest, type RawResponse } from '../support/raw-http';
import { describeWith } from '../support/services';
import { testConfig } from '../support/test-app';
import { firstPassOnly } from '../support/adapter-pass';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * Access control on /initdb/ (issue 7, item 3) with real client addresses:
 * - loopback over IPv4 (127.0.0.1), IPv6 (::1) and IPv4-mapped IPv6 (::ffff:127.0.0.1,
 *   what a dual-stack socket reports for an IPv4 client);
 * - a remote client: a network namespace made by this test, joined to the root
 *   namespace by a veth pair with private addresses (10.213.x.0/30 and fd42:…/64) on
 *   the pair only; the application listens on the root end, the client runs inside the
 *   namespace (`ip netns exec`), so the application sees a genuine non-loopback peer;
 * - forged X-Forwarded-For chains (and Forwarded / X-Real-IP, which are never read)
 *   with proxy_count 0, 1 and 2: only the entries the trusted proxies appended count;
 * - the same through a real nginx configured from contrib/nginx/automx2.conf
 *   (proxy_count 1), with and without its own allow/deny rules.
 */

const run = promisify(execFile);
const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
const PREPARED = /Database (is now prepared|already contains provider data)/;
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=user%40example.com';
const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';

interface App {
  readonly app: INestApplication;
  readonly port: number;
}

/**
 * Access-log lines (INFO) of every application of this file: Nest's loggers are
 * process-wide, so the line of one instance may be written through another's logger.
 */
const log: string[] = [];
const logged = () => log.join('');

/** The real application listening on `host` (startTestApp binds 127.0.0.1 only). */
async function startAppOn(
  host: string,
  adapter: HttpAdapterName,
  config: Partial<AppConfig> = {},
): Promise<App> {
  const values = testConfig({ adapter, config: { loglevel: 'INFO', ...config } });
  const app = await createApp(
    values,
    new AppLogger(values.loglevel, 'text', (line) => log.push(line)),
  );
  await app.listen(0, host);
  const address = (app.getHttpServer() as Server).address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { app, port: address.port };
}

/** One request over a fresh connection from this (root) namespace. */
function local(
  host: string,
  port: number,
  method: string,
  path: string,
  headers: readonly string[] = [],
  localAddress?: string,
): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: autoconfig.example.com', ...headers];
  const body = method === 'POST' ? '{}' : '';
  if (method === 'POST') lines.push('Content-Type: application/json', 'Content-Length: 2');
  return rawRequest(
    { host, port },
    `${lines.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`,
    localAddress === undefined ? {} : { localAddress },
  );
}

const bodyOf = (response: RawResponse) => response.body.toString('utf8');

// ---- the remote client: a network namespace of this test --------------------------

interface RemoteRequest {
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  /** Header lines, e.g. 'X-Forwarded-For: 127.0.0.1' (a name may repeat). */
  readonly headers?: readonly string[];
}

interface RemoteAnswer {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

/** Runs inside the namespace: raw HTTP/1.1 requests, one connection each, JSON out. */
const CLIENT_SCRIPT = `
const net = require('node:net');
const requests = JSON.parse(process.argv[2]);
const one = (r) => new Promise((resolve) => {
  const socket = net.connect({ host: r.host, port: r.port });
  const chunks = [];
  const body = r.method === 'POST' ? '{}' : '';
  const head = [r.method + ' ' + r.path + ' HTTP/1.1', 'Host: autoconfig.example.com', ...(r.headers || [])];
  if (r.method === 'POST') head.push('Content-Type: application/json', 'Content-Length: 2');
  socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  socket.on('connect', () => socket.write(head.join('\\r\\n') + '\\r\\nConnection: close\\r\\n\\r\\n' + body));
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', (error) => resolve({ error: error.code || error.message }));
  socket.on('close', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const status = Number((/^HTTP\\/1\\.1 (\\d{3})/.exec(text) || [])[1]);
    resolve(status ? { status, body: text.split('\\r\\n\\r\\n').slice(1).join('\\r\\n\\r\\n') } : { error: 'no response' });
  });
});
(async () => {
  const answers = [];
  for (const r of requests) answers.push(await one(r));
  process.stdout.write(JSON.stringify(answers));
})();
`;

interface Namespace {
  /** Root-namespace end (the application binds here). */
  readonly hostV4: string;
  readonly hostV6: string;
  /** The client's addresses inside the namespace. */
  readonly clientV4: string;
  readonly clientV6: string;
  readonly send: (requests: readonly RemoteRequest[]) => Promise<RemoteAnswer[]>;
  readonly destroy: () => Promise<void>;
}

async function createNamespace(): Promise<Namespace> {
  const id = randomBytes(2).toString('hex');
  const name = `a2t-${id}`;
  const hostIf = `a2h${id}`;
  const peerIf = `a2p${id}`;
  const octet = parseInt(id, 16) % 250;
  const [hostV4, clientV4] = [`10.213.${octet}.1`, `10.213.${octet}.2`];
  // The group without leading zeros: the form Node reports for a socket's address.
  const group = parseInt(id, 16).toString(16);
  const [hostV6, clientV6] = [`fd42:213:${group}::1`, `fd42:213:${group}::2`];
  const dir = mkdtempSync(join(tmpdir(), 'automx2-netns-'));
  const script = join(dir, 'client.js');
  writeFileSync(script, CLIENT_SCRIPT);
  const ip = (...args: string[]) => run(IP, args, { timeout: 10_000 });
  const inside = (...args: string[]) => ip('netns', 'exec', name, IP, ...args);
  const destroy = async () => {
    await ip('netns', 'del', name).catch(() => undefined);
    await ip('link', 'del', hostIf).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf);
    await ip('link', 'set', peerIf, 'netns', name);
    await ip('addr', 'add', `${hostV4}/30`, 'dev', hostIf);
    await ip('-6', 'addr', 'add', `${hostV6}/64`, 'dev', hostIf, 'nodad');
    await ip('link', 'set', hostIf, 'up');
    await inside('addr', 'add', `${clientV4}/30`, 'dev', peerIf);
    await inside('-6', 'addr', 'add', `${clientV6}/64`, 'dev', peerIf, 'nodad');
    await inside('link', 'set', peerIf, 'up');
    await inside('link', 'set', 'lo', 'up');
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    hostV4,
    hostV6,
    clientV4,
    clientV6,
    send: async (requests) => {
      const { stdout } = await run(
        IP,
        ['netns', 'exec', name, process.execPath, script, JSON.stringify(requests)],
        { timeout: 30_000 },
      );
      return JSON.parse(stdout) as RemoteAnswer[];
    },
    destroy,
  };
}

/** Namespaces need root and iproute2; CI (TEST_REQUIRE_SERVICES=1) runs as root. */
function namespacesAvailable(): boolean {
  if (process.getuid?.() !== 0 || !existsSync(IP)) return false;
  return spawnSync(IP, ['netns', 'list'], { timeout: 5000 }).status === 0;
}

const describeWithNamespaces: jest.Describe =
  namespacesAvailable() || process.env.TEST_REQUIRE_SERVICES === '1' ? describeOnce : describe.skip;
if (!namespacesAvailable()) {
  process.stderr.write('SKIPPED (needs root and iproute2): remote-client tests of /initdb/\n');
}

// ---- loopback clients ---------------------------------------------------------------

describeOnce.each(ADAPTERS)('/initdb/ from loopback clients on %s', (adapter) => {
  const apps: App[] = [];

  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
  });

  const start = async (host: string, config: Partial<AppConfig> = {}) => {
    const app = await startAppOn(host, adapter, config);
    apps.push(app);
    return app;
  };

  it('lets 127.0.0.1 in on an IPv4 socket', async () => {
    const { port } = await start('127.0.0.1');
    const response = await local('127.0.0.1', port, 'GET', '/initdb/');
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatch(PREPARED);
    expect(logged()).toContain('127.0.0.1 GET /initdb/ 200');
  });

  it('lets ::1 and ::ffff:127.0.0.1 in on a dual-stack socket (::)', async () => {
    const { port } = await start('::');
    const viaV6 = await local('::1', port, 'GET', '/initdb/');
    expect(viaV6.statusCode).toBe(200);
    // An IPv4 client of a dual-stack socket appears as ::ffff:127.0.0.1.
    const viaMapped = await local('127.0.0.1', port, 'DELETE', '/initdb/');
    expect(viaMapped.statusCode).toBe(200);
    expect(bodyOf(viaMapped)).toContain('Database content purged');
    expect(logged()).toContain('::1 GET /initdb/ 200');
    // The access log shows the mapped address unwrapped.
    expect(logged()).toContain('127.0.0.1 DELETE /initdb/ 200');
  });

  it('lets ::1 in on an IPv6-only socket (::1)', async () => {
    const { port } = await start('::1');
    expect((await local('::1', port, 'POST', '/initdb/')).statusCode).toBe(200);
  });

  describe('forged X-Forwarded-For from a loopback peer', () => {
    const byProxyCount = new Map<number, App>();

    beforeAll(async () => {
      for (const proxyCount of [0, 1, 2]) {
        byProxyCount.set(proxyCount, await start('127.0.0.1', { proxyCount }));
      }
    });

    it.each([
      // proxy_count 0: the header is never read.
      [0, ['X-Forwarded-For: 203.0.113.9'], 200],
      [0, ['X-Forwarded-For: 10.0.0.1, 203.0.113.9'], 200],
      // proxy_count 1: the rightmost entry (what our proxy saw) decides.
      [1, ['X-Forwarded-For: 203.0.113.9'], 403],
      [1, ['X-Forwarded-For: 127.0.0.1, 203.0.113.9'], 403],
      [1, ['X-Forwarded-For: 203.0.113.9, 127.0.0.1'], 200],
      [1, ['X-Forwarded-For: ::1'], 200],
      [1, ['X-Forwarded-For: ::ffff:127.0.0.1'], 200],
      [1, ['X-Forwarded-For: [::1]'], 200],
      [1, ['X-Forwarded-For: ::ffff:10.0.0.1'], 403],
      [1, ['X-Forwarded-For: 127.0.0.1.evil.example'], 403],
      [1, ['X-Forwarded-For: localhost'], 403],
      [1, ['X-Forwarded-For: 127.0.0.1', 'X-Forwarded-For: 203.0.113.9'], 403],
      [1, ['X-Forwarded-For: 127.0.0.1,'], 200],
      // proxy_count 2: the second entry from the right is the client.
      [2, ['X-Forwarded-For: 127.0.0.1, 203.0.113.9, 10.0.0.2'], 403],
      [2, ['X-Forwarded-For: 203.0.113.9, 127.0.0.1, 10.0.0.2'], 200],
      [2, ['X-Forwarded-For: 127.0.0.1, 127.0.0.1, 203.0.113.9, 10.0.0.2'], 403],
      // Fewer entries than trusted proxies: the socket address (loopback here).
      [2, ['X-Forwarded-For: 203.0.113.9'], 200],
      // Other headers are never read.
      [0, ['Forwarded: for=203.0.113.9', 'X-Real-IP: 203.0.113.9'], 200],
      [
        1,
        ['Forwarded: for=127.0.0.1', 'X-Real-IP: 127.0.0.1', 'X-Forwarded-For: 203.0.113.9'],
        403,
      ],
    ] as const)('proxy_count %i with %j: %i', async (proxyCount, headers, status) => {
      const app = byProxyCount.get(proxyCount);
      if (!app) throw new Error(`no app for proxy_count ${proxyCount}`);
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await local('127.0.0.1', app.port, method, '/initdb/', headers);
        expect({ method, status: response.statusCode }).toEqual({ method, status });
        if (status === 403) {
          expect(bodyOf(response)).toBe('Access denied');
          expect(response.headers.get('content-type')?.[0]).toMatch(/^text\/plain/);
        }
      }
    });
  });
});

// ---- remote clients -------------------------------------------------------------------

describeWithNamespaces('/initdb/ from a remote client (own network namespace)', () => {
  let ns: Namespace;

  beforeAll(async () => {
    ns = await createNamespace();
  });

  afterAll(async () => {
    await ns?.destroy();
  });

  describe.each(ADAPTERS)('directly, on %s', (adapter) => {
    let v4: App;
    let v6: App;
    let twoProxies: App;

    beforeAll(async () => {
      [v4, v6, twoProxies] = await Promise.all([
        startAppOn(ns.hostV4, adapter),
        startAppOn(ns.hostV6, adapter),
        startAppOn(ns.hostV4, adapter, { proxyCount: 2 }),
      ]);
    });

    afterAll(async () => {
      await Promise.all([v4, v6, twoProxies].map((app) => app?.app.close()));
    });

    it('refuses every method with 403 over IPv4 and IPv6, forged headers or not; public routes answer', async () => {
      const forged = [
        [],
        ['X-Forwarded-For: 127.0.0.1'],
        ['X-Forwarded-For: ::1', 'X-Real-IP: 127.0.0.1', 'Forwarded: for=127.0.0.1'],
      ];
      const requests: RemoteRequest[] = [];
      for (const [host, port] of [
        [ns.hostV4, v4.port],
        [ns.hostV6, v6.port],
      ] as const) {
        for (const method of ['GET', 'POST', 'DELETE']) {
          for (const headers of forged) {
            for (const path of ['/initdb/', '/INITDB/', '/initdb', '/%69nitdb/']) {
              requests.push({ host, port, method, path, headers });
            }
          }
        }
        requests.push({ host, port, method: 'GET', path: AUTOCONFIG });
      }
      const answers = await ns.send(requests);
      answers.forEach((answer, index) => {
        const request = requests[index]!;
        const label = `${request.method} [${request.host}] ${request.path} ${JSON.stringify(request.headers ?? [])}`;
        if (request.path === AUTOCONFIG) {
          // 204: the database is empty; what matters is that the guard is not applied.
          expect({ label, status: answer.status }).toEqual({ label, status: 204 });
        } else if (request.path === '/initdb') {
          // The redirect to /initdb/ comes first; the guard answers the next request.
          expect({ label, status: answer.status }).toEqual({ label, status: 308 });
        } else if (request.path === '/%69nitdb/') {
          expect({ label, status: answer.status }).toEqual({
            label,
            status: expect.any(Number) as unknown,
          });
          expect(answer.status).not.toBe(200);
        } else {
          expect({ label, status: answer.status, body: answer.body }).toEqual({
            label,
            status: 403,
            body: 'Access denied',
          });
        }
      });
      // The application saw the real, non-loopback peers (the access log has a line for
      // the public request; refusals by the guard are not logged there).
      expect(logged()).toContain(`${ns.clientV4} GET /mail/config-v1.1.xml 204`);
      expect(logged()).toContain(`${ns.clientV6} GET /mail/config-v1.1.xml 204`);
    });

    it('with proxy_count 2 a short forged chain falls back to the remote socket address', async () => {
      const answers = await ns.send([
        {
          host: ns.hostV4,
          port: twoProxies.port,
          method: 'GET',
          path: '/initdb/',
          headers: ['X-Forwarded-For: 127.0.0.1'],
        },
      ]);
      expect(answers).toEqual([{ status: 403, body: 'Access denied' }]);
    });
  });

  describeWith('nginx')('through nginx from contrib/ (proxy_count 1)', () => {
    describe.each(ADAPTERS)('on %s', (adapter) => {
      let app: App;
      let nginx: RunningNginx | undefined;
      let prefix: string | undefined;
      let guardedPort: number;
      let unguardedPort: number;

      beforeAll(async () => {
        app = await startAppOn('127.0.0.1', adapter, { proxyCount: 1 });
        [guardedPort, unguardedPort] = await Promise.all([freePort(), freePort()]);
        const sample = readContribNginx();
        const listen = (port: number) => [`127.0.0.1:${port}`, `${ns.hostV4}:${port}`];
        const servers = [
          adaptServer(sample.server, { listen: listen(guardedPort), tls: 'strip' }),
          adaptServer(sample.server, {
            listen: listen(unguardedPort),
            tls: 'strip',
            withoutAccessRules: true,
          }),
        ];
        const upstream = withUpstreamServers(sample.upstream, [`127.0.0.1:${app.port}`]);
        prefix = createNginxPrefix();
        nginx = await startNginx(
          prefix,
          nginxMainConfig(prefix, [upstream, ...servers].join('\n')),
          [guardedPort, unguardedPort],
        );
      });

      afterAll(async () => {
        await nginx?.stop();
        if (prefix) removeNginxPrefix(prefix);
        await app?.app.close();
      });

      it('loopback clients of the proxy get in, forged header or not', async () => {
        for (const port of [guardedPort, unguardedPort]) {
          for (const headers of [[], ['X-Forwarded-For: 203.0.113.9']]) {
            const response = await local('127.0.0.1', port, 'GET', '/initdb/', headers);
            expect(response.statusCode).toBe(200);
            expect(bodyOf(response)).toMatch(PREPARED);
          }
        }
      });

      it('a remote client is refused by nginx, and by the application when nginx forgets to', async () => {
        const requests: RemoteRequest[] = [];
        for (const port of [guardedPort, unguardedPort]) {
          for (const method of ['GET', 'POST', 'DELETE']) {
            for (const headers of [
              [],
              ['X-Forwarded-For: 127.0.0.1'],
              ['X-Forwarded-For: ::1, 127.0.0.1'],
            ]) {
              requests.push({ host: ns.hostV4, port, method, path: '/initdb/', headers });
            }
          }
          requests.push({ host: ns.hostV4, port, method: 'GET', path: AUTOCONFIG });
        }
        const answers = await ns.send(requests);
        answers.forEach((answer, index) => {
          const request = requests[index]!;
          const label = `${request.method} :${request.port} ${request.path} ${JSON.stringify(request.headers ?? [])}`;
          if (request.path === AUTOCONFIG) {
            expect({ label, answer }).toEqual({
              label,
              answer: expect.objectContaining({ status: expect.any(Number) as unknown }) as unknown,
            });
            expect([200, 204]).toContain(answer.status);
          } else if (request.port === guardedPort) {
            // nginx's own 403 page: the request never reached the application.
            expect({ label, status: answer.status }).toEqual({ label, status: 403 });
            expect(answer.body).toContain('nginx');
          } else {
            expect({ label, status: answer.status, body: answer.body }).toEqual({
              label,
              status: 403,
              body: 'Access denied',
            });
          }
        });
        // The application saw the client nginx saw (X-Forwarded-For, proxy_count 1).
        expect(logged()).toMatch(
          new RegExp(`${ns.clientV4.replace(/\./g, '\\.')} GET /mail/config-v1\\.1\\.xml 20[04]`),
        );
        // The refused DELETEs changed nothing.
        const after = await local('127.0.0.1', guardedPort, 'GET', '/initdb/');
        expect(bodyOf(after)).toContain('Database already contains provider data');
      });
    });
  });
});
