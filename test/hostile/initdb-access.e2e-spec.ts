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
 * Issue 14: `trusted_proxies` (forwarded headers count only from a listed peer; other
 * loopback addresses, 127.0.0.2 and up, play the proxy and the direct peer), a short
 * X-Forwarded-For meaning an unknown client (L1), the Host check against DNS rebinding,
 * HEAD changing nothing and OPTIONS guarded (L7), and `initdb = off` (M3).
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

/** The Host an administrator's own request names (the check of issue 14, L7). */
const LOCAL_HOST = 'localhost';

/**
 * One request over a fresh connection from this (root) namespace. `Host: localhost`
 * unless `headers` has a Host line of its own.
 */
function local(
  host: string,
  port: number,
  method: string,
  path: string,
  headers: readonly string[] = [],
  localAddress?: string,
): Promise<RawResponse> {
  const hostLine = headers.some((line) => /^host:/i.test(line)) ? [] : [`Host: ${LOCAL_HOST}`];
  const lines = [`${method} ${path} HTTP/1.1`, ...hostLine, ...headers];
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
  /** The Host header; default `localhost` (what a forger sends to pass the Host check). */
  readonly hostHeader?: string;
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
  const head = [r.method + ' ' + r.path + ' HTTP/1.1', 'Host: ' + (r.hostHeader || 'localhost'), ...(r.headers || [])];
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
    expect(logged()).toContain('127.0.0.1 GET /initdb 200');
  });

  it('lets ::1 and ::ffff:127.0.0.1 in on a dual-stack socket (::)', async () => {
    const { port } = await start('::');
    const viaV6 = await local('::1', port, 'GET', '/initdb/');
    expect(viaV6.statusCode).toBe(200);
    // An IPv4 client of a dual-stack socket appears as ::ffff:127.0.0.1.
    const viaMapped = await local('127.0.0.1', port, 'DELETE', '/initdb/');
    expect(viaMapped.statusCode).toBe(200);
    expect(bodyOf(viaMapped)).toContain('Database content purged');
    expect(logged()).toContain('::1 GET /initdb 200');
    // The access log shows the mapped address unwrapped.
    expect(logged()).toContain('127.0.0.1 DELETE /initdb 200');
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
      // Fewer entries than trusted proxies: the client is unknown, and unknown is not
      // loopback, though the socket peer is (issue 14, L1: it used to be let in).
      [2, ['X-Forwarded-For: 203.0.113.9'], 403],
      [1, [], 403],
      [2, [], 403],
      [1, ['X-Forwarded-For: ,'], 403],
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
  describe('trusted_proxies: 127.0.0.2 is the proxy, 127.0.0.3 a peer that reaches the port directly', () => {
    let app: App;

    beforeAll(async () => {
      app = await start('127.0.0.1', { proxyCount: 1, trustedProxies: ['127.0.0.2'] });
    });

    it.each([
      ['127.0.0.2', ['X-Forwarded-For: 203.0.113.9'], 403],
      ['127.0.0.2', ['X-Forwarded-For: 203.0.113.9, 127.0.0.1'], 200],
      ['127.0.0.2', [], 403],
      // Not a trusted proxy: its headers are not read, its own (loopback) address counts.
      ['127.0.0.3', ['X-Forwarded-For: 203.0.113.9'], 200],
      ['127.0.0.3', [], 200],
    ] as const)('from %s with %j: %i', async (peer, headers, status) => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await local('127.0.0.1', app.port, method, '/initdb/', headers, peer);
        expect({ method, status: response.statusCode }).toEqual({ method, status });
      }
    });

    it('the access log shows the reported client, the peer when it is not trusted, and `unknown`', async () => {
      const path = '/MAIL/Config-v1.1.xml';
      const before = log.length;
      const ask = (headers: readonly string[], peer: string) =>
        local('127.0.0.1', app.port, 'GET', `${path}?emailaddress=a%40example.com`, headers, peer);
      await ask(['X-Forwarded-For: 203.0.113.9'], '127.0.0.2');
      await ask(['X-Forwarded-For: 198.51.100.23'], '127.0.0.3');
      await ask([], '127.0.0.2');
      // Logged under its route pattern, whatever the spelling asked for.
      const lines = log
        .slice(before)
        .filter((line) => line.includes(' GET /mail/config-v1.1.xml '));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/203\.0\.113\.9 GET \/mail\/config-v1\.1\.xml \d{3} /);
      expect(lines[1]).toMatch(/127\.0\.0\.3 GET \/mail\/config-v1\.1\.xml \d{3} /);
      expect(lines[2]).toMatch(/ unknown GET \/mail\/config-v1\.1\.xml \d{3} /);
      expect(logged()).not.toContain('198.51.100.23');
    });
  });

  describe('the Host header (DNS rebinding)', () => {
    let app: App;

    beforeAll(async () => {
      app = await start('127.0.0.1');
    });

    const REBOUND = [
      'rebind.attacker.example',
      'rebind.attacker.example:4243',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      '0.0.0.0',
      '10.0.0.1',
    ];

    it('refuses a Host that is not a loopback name for every method, HEAD and OPTIONS too; nothing changes', async () => {
      for (const host of REBOUND) {
        for (const method of ['GET', 'POST', 'DELETE', 'HEAD', 'OPTIONS']) {
          const response = await local('127.0.0.1', app.port, method, '/initdb/', [
            `Host: ${host}`,
          ]);
          expect({ host, method, status: response.statusCode }).toEqual({
            host,
            method,
            status: 403,
          });
          if (method !== 'HEAD') expect(bodyOf(response)).toBe('Access denied');
        }
      }
      // The refused GET and POST loaded nothing: the database is still empty.
      const after = await local('127.0.0.1', app.port, 'GET', '/initdb/');
      expect(bodyOf(after)).toContain('Database is now prepared');
    });

    it.each([
      'localhost',
      'LOCALHOST:4243',
      'admin.localhost',
      '127.0.0.1',
      '127.0.0.1:4243',
      '127.1.2.3:80',
      '[::1]',
      '[::1]:4243',
    ])('lets Host %s in', async (host) => {
      const response = await local('127.0.0.1', app.port, 'GET', '/initdb/', [`Host: ${host}`]);
      expect(response.statusCode).toBe(200);
    });

    it('lets the configured listen host in, and only on the instance configured with it', async () => {
      const named = await start('127.0.0.1', { host: 'automx2.test' });
      const host = [`Host: automx2.test:${named.port}`];
      expect((await local('127.0.0.1', named.port, 'GET', '/initdb/', host)).statusCode).toBe(200);
      expect((await local('127.0.0.1', app.port, 'GET', '/initdb/', host)).statusCode).toBe(403);
    });

    it('behind a trusted proxy, the X-Forwarded-Host it sent must be local too', async () => {
      const proxied = await start('127.0.0.1', { proxyCount: 1, trustedProxies: ['127.0.0.2'] });
      const send = (forwardedHost: string, peer: string) =>
        local(
          '127.0.0.1',
          proxied.port,
          'GET',
          '/initdb/',
          ['X-Forwarded-For: 127.0.0.1', `X-Forwarded-Host: ${forwardedHost}`],
          peer,
        );
      expect((await send('rebind.attacker.example', '127.0.0.2')).statusCode).toBe(403);
      expect((await send('localhost', '127.0.0.2')).statusCode).toBe(200);
      // From a peer that is not a trusted proxy the header is not read.
      expect((await send('rebind.attacker.example', '127.0.0.3')).statusCode).toBe(200);
    });
  });

  describe('HEAD and OPTIONS', () => {
    it('HEAD /initdb/ answers 200 with headers only and loads nothing', async () => {
      const { port } = await start('127.0.0.1');
      const head = await local('127.0.0.1', port, 'HEAD', '/initdb/');
      expect(head.statusCode).toBe(200);
      expect(head.headers.get('content-type')?.[0]).toMatch(/^text\/html/);
      // Still empty: an unknown domain, and GET then loads the sample data.
      expect((await local('127.0.0.1', port, 'GET', AUTOCONFIG)).statusCode).toBe(204);
      expect(bodyOf(await local('127.0.0.1', port, 'GET', '/initdb/'))).toContain(
        'Database is now prepared',
      );
    });

    it('OPTIONS /initdb/ answers an administrator with 204 and Allow', async () => {
      const { port } = await start('127.0.0.1');
      const response = await local('127.0.0.1', port, 'OPTIONS', '/initdb/');
      expect(response.statusCode).toBe(204);
      expect(response.headers.get('allow')).toEqual(['GET, HEAD, POST, DELETE, OPTIONS']);
    });
  });

  it('initdb = off refuses every method to everybody, loopback and a loopback Host included', async () => {
    const { port } = await start('127.0.0.1', { initdb: 'off' });
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']) {
      for (const host of ['localhost', '127.0.0.1', '[::1]']) {
        const response = await local('127.0.0.1', port, method, '/initdb/', [`Host: ${host}`]);
        expect({ method, host, status: response.statusCode }).toEqual({
          method,
          host,
          status: 403,
        });
        if (method !== 'HEAD') expect(bodyOf(response)).toBe('Access denied');
      }
    }
    expect((await local('127.0.0.1', port, 'GET', AUTOCONFIG)).statusCode).toBe(204);
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
    /** Behind a proxy on loopback, as with contrib/nginx: trusted_proxies = 127.0.0.1. */
    let behindProxy: App;
    /** The same without trusted_proxies: automx2's behaviour, every peer believed. */
    let compatible: App;

    beforeAll(async () => {
      [v4, v6, twoProxies, behindProxy, compatible] = await Promise.all([
        startAppOn(ns.hostV4, adapter),
        startAppOn(ns.hostV6, adapter),
        startAppOn(ns.hostV4, adapter, { proxyCount: 2 }),
        startAppOn(ns.hostV4, adapter, { proxyCount: 1, trustedProxies: ['127.0.0.1', '::1'] }),
        startAppOn(ns.hostV4, adapter, { proxyCount: 1 }),
      ]);
    });

    afterAll(async () => {
      await Promise.all(
        [v4, v6, twoProxies, behindProxy, compatible].map((app) => app?.app.close()),
      );
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
        for (const method of ['GET', 'POST', 'DELETE', 'HEAD', 'OPTIONS']) {
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
            // OPTIONS is guarded too (issue 14, L7); HEAD answers carry no body.
            body: request.method === 'HEAD' ? '' : 'Access denied',
          });
        }
      });
      // The application saw the real, non-loopback peers (the access log has a line for
      // the public request; refusals by the guard are not logged there).
      expect(logged()).toContain(`${ns.clientV4} GET /mail/config-v1.1.xml 204`);
      expect(logged()).toContain(`${ns.clientV6} GET /mail/config-v1.1.xml 204`);
    });

    it('with proxy_count 2 a short forged chain leaves the client unknown: 403', async () => {
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

    it('a peer that is not in trusted_proxies cannot forge X-Forwarded-For (issue 14, M3)', async () => {
      const requests: RemoteRequest[] = [];
      for (const method of ['GET', 'POST', 'DELETE', 'HEAD', 'OPTIONS']) {
        for (const headers of [
          ['X-Forwarded-For: 127.0.0.1'],
          ['X-Forwarded-For: ::1', 'X-Forwarded-Host: localhost'],
        ]) {
          requests.push({
            host: ns.hostV4,
            port: behindProxy.port,
            method,
            path: '/initdb/',
            headers,
          });
        }
      }
      const path = '/Mail/config-v1.1.xml?emailaddress=user%40example.com';
      requests.push({
        host: ns.hostV4,
        port: behindProxy.port,
        method: 'GET',
        path,
        headers: ['X-Forwarded-For: 192.0.2.99'],
      });
      const answers = await ns.send(requests);
      answers.slice(0, -1).forEach((answer, index) => {
        const request = requests[index]!;
        const label = `${request.method} ${JSON.stringify(request.headers)}`;
        expect({ label, status: answer.status }).toEqual({ label, status: 403 });
      });
      // The access log shows the real peer, not the forged entry.
      expect(logged()).toMatch(
        new RegExp(`${ns.clientV4.replace(/\./g, '\\.')} GET /mail/config-v1\\.1\\.xml \\d{3}`),
      );
      expect(logged()).not.toContain('192.0.2.99');
      // Without trusted_proxies every peer is believed, as automx2 does: the reason the
      // shipped deployments set it (and the port is reachable only through the proxy).
      const [compat] = await ns.send([
        {
          host: ns.hostV4,
          port: compatible.port,
          method: 'GET',
          path: '/initdb/',
          headers: ['X-Forwarded-For: 127.0.0.1'],
        },
      ]);
      expect(compat?.status).toBe(200);
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

      it('does not route the admin API, in any case, not even for loopback clients', async () => {
        for (const path of ['/admin/', '/admin/api/v1/domains', '/ADMIN/API/V1/export']) {
          const response = await local('127.0.0.1', guardedPort, 'GET', path);
          // nginx's own 404 page: the request never reached the application.
          expect({ path, status: response.statusCode }).toEqual({ path, status: 404 });
          expect(bodyOf(response)).toContain('nginx');
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
