import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_LIMITS } from '../../src/bootstrap/server-limits';
import type { HttpAdapterName } from '../../src/config/app-config';
import { rawExchange, rawRequest, targetOf, type RawExchange } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstPassOnly } from '../support/adapter-pass';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * Connection limits on real sockets (issue 7, item 1): half-sent requests are cut off
 * well within 30 s, idle keep-alive connections are closed, oversized or too many
 * headers get 431 (never a crash), and no response names the framework or its version.
 */

const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
/** Generous bound that still catches Node's defaults (60 s + a 30 s check interval). */
const CUT_OFF_BOUND_MS = 25_000;

const HEAD = 'GET /healthz/live HTTP/1.1\r\nHost: autoconfig.example.com\r\n';
const AUTODISCOVER_HEAD =
  'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.example.com\r\n' +
  'Content-Type: text/xml\r\n';

/** Sends `first`, then each of `drip` one at a time every `everyMs`, until the server closes. */
function slowClient(
  app: TestApp,
  first: string,
  drip: readonly string[] = [],
  everyMs = 500,
): Promise<RawExchange> {
  const chunks: string[] = [first];
  // rawExchange writes everything at once; dripping needs its own writer.
  if (drip.length === 0) return rawExchange(targetOf(app.url), chunks, { timeoutMs: 40_000 });
  return dripExchange(app, first, drip, everyMs);
}

async function dripExchange(
  app: TestApp,
  first: string,
  drip: readonly string[],
  everyMs: number,
): Promise<RawExchange> {
  const { connect } = await import('node:net');
  const target = targetOf(app.url);
  const started = Date.now();
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let done = false;
    let index = 0;
    const socket = connect(target.port, target.host);
    const finish = (ending: RawExchange['ending']) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(guard);
      socket.destroy();
      resolve({ data: Buffer.concat(received), ending, elapsedMs: Date.now() - started });
    };
    const timer = setInterval(() => {
      if (!socket.writable) return;
      socket.write(drip[index % drip.length] ?? '');
      index += 1;
    }, everyMs);
    const guard = setTimeout(() => finish('timeout'), 40_000);
    socket.on('connect', () => socket.write(first));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('reset'));
  });
}

describeOnce('server limits', () => {
  const apps = new Map<HttpAdapterName, TestApp>();

  beforeAll(async () => {
    for (const adapter of ADAPTERS) apps.set(adapter, await startTestApp({ adapter }));
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.close()));
  });

  const app = (adapter: HttpAdapterName): TestApp => {
    const found = apps.get(adapter);
    if (!found) throw new Error(`no app on ${adapter}`);
    return found;
  };

  it('configures timeouts that cut a half-sent request within 15 s', () => {
    const worst =
      Math.max(SERVER_LIMITS.headersTimeoutMs, SERVER_LIMITS.requestTimeoutMs) +
      SERVER_LIMITS.connectionsCheckingIntervalMs;
    expect(worst).toBeLessThanOrEqual(15_000);
    expect(SERVER_LIMITS.keepAliveTimeoutMs).toBeLessThan(SERVER_LIMITS.headersTimeoutMs);
  });

  it(
    'cuts off clients that never finish headers or body, or drip them, and idle keep-alive connections',
    async () => {
      // An idle keep-alive connection after one answered request: closed after its timeout.
      const idle = Promise.all(
        ADAPTERS.map((adapter) =>
          rawExchange(targetOf(app(adapter).url), `${HEAD}\r\n`, { timeoutMs: 20_000 }),
        ),
      );
      // All cases at once: each waits for the server's timeout.
      const cases = ADAPTERS.flatMap((adapter) => [
        { adapter, kind: 'headers never end', run: () => slowClient(app(adapter), HEAD) },
        {
          adapter,
          kind: 'headers dripped a byte every 500 ms',
          run: () => slowClient(app(adapter), HEAD, ['X', '-', 'a', ':', ' ', 'b', '\r\n']),
        },
        {
          adapter,
          kind: 'body never ends',
          run: () =>
            slowClient(app(adapter), `${AUTODISCOVER_HEAD}Content-Length: 1000\r\n\r\n<Autodis`),
        },
        {
          adapter,
          kind: 'body dripped a byte every 500 ms',
          run: () =>
            slowClient(app(adapter), `${AUTODISCOVER_HEAD}Content-Length: 1000\r\n\r\n<`, ['a']),
        },
        {
          adapter,
          kind: 'chunked body never ends',
          run: () =>
            slowClient(
              app(adapter),
              `${AUTODISCOVER_HEAD}Transfer-Encoding: chunked\r\n\r\n5\r\n<Auto\r\n`,
            ),
        },
      ]);
      const results = await Promise.all(
        cases.map(async ({ adapter, kind, run }) => {
          const exchange = await run();
          return {
            adapter,
            kind,
            ending: exchange.ending,
            withinBound: exchange.elapsedMs < CUT_OFF_BOUND_MS,
            ms: exchange.elapsedMs,
            // Node answers 408 when it can; a reset or a bare close is fine too.
            status: exchange.data.toString('latin1').split('\r\n')[0] ?? '',
          };
        }),
      );
      for (const result of results) {
        expect(result).toEqual({
          ...result,
          ending: expect.stringMatching(/^(closed|reset)$/) as unknown,
          withinBound: true,
          status: expect.stringMatching(/^(|HTTP\/1\.1 408 .*)$/) as unknown,
        });
      }
      for (const exchange of await idle) {
        expect(exchange.ending).toBe('closed');
        expect(exchange.data.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
        expect(exchange.elapsedMs).toBeGreaterThanOrEqual(SERVER_LIMITS.keepAliveTimeoutMs - 500);
        expect(exchange.elapsedMs).toBeLessThan(SERVER_LIMITS.keepAliveTimeoutMs + 5_000);
      }
      // Still serving.
      for (const adapter of ADAPTERS) {
        const response = await rawRequest(targetOf(app(adapter).url), `${HEAD}\r\n`);
        expect(response.statusCode).toBe(200);
      }
    },
    CUT_OFF_BOUND_MS + 10_000,
  );

  describe.each(ADAPTERS)('header limits on %s', (name) => {
    it('answers headers larger than the limit with 431 and closes', async () => {
      const big = `X-Big: ${'a'.repeat(SERVER_LIMITS.maxHeaderSize + 1024)}\r\n`;
      const exchange = await rawExchange(targetOf(app(name).url), `${HEAD}${big}\r\n`);
      expect(exchange.data.toString('latin1')).toMatch(/^HTTP\/1\.1 431 /);
      expect(exchange.ending).not.toBe('timeout');
      expect((await rawRequest(targetOf(app(name).url), `${HEAD}\r\n`)).statusCode).toBe(200);
    });

    it('answers more headers than the limit with 431, within the size limit', async () => {
      const many = Array.from(
        { length: SERVER_LIMITS.maxHeadersCount + 50 },
        (_, i) => `X-H${i}: v\r\n`,
      ).join('');
      const response = await rawRequest(
        targetOf(app(name).url),
        `${HEAD}${many}Connection: close\r\n\r\n`,
      );
      expect(response.statusCode).toBe(431);
      expect(response.headers.get('content-type')?.[0]).toMatch(/^text\/plain/);
      expect((await rawRequest(targetOf(app(name).url), `${HEAD}\r\n`)).statusCode).toBe(200);
    });

    it('answers exactly the allowed number of headers normally', async () => {
      // HEAD has one header (Host), Connection is another.
      const allowed = Array.from(
        { length: SERVER_LIMITS.maxHeadersCount - 2 },
        (_, i) => `X-H${i}: v\r\n`,
      ).join('');
      const response = await rawRequest(
        targetOf(app(name).url),
        `${HEAD}${allowed}Connection: close\r\n\r\n`,
      );
      expect(response.statusCode).toBe(200);
    });

    it.each([
      ['a header line without a colon', `${HEAD}Broken\r\n\r\n`],
      ['a NUL in a header value', `${HEAD}X-A: a\u0000b\r\n\r\n`],
      ['a bare CR inside a header value', `${HEAD}X-A: a\rb\r\n\r\n`],
      ['a space before the colon', `${HEAD}X-A : b\r\n\r\n`],
      ['an invalid request line', 'GET\r\n\r\n'],
      ['HTTP/2 preface on HTTP/1.1', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
      [
        'two Content-Length values',
        `${AUTODISCOVER_HEAD}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
      ],
      [
        'Content-Length and chunked together',
        `${AUTODISCOVER_HEAD}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ],
    ])('answers %s with 400 and closes', async (_label, raw) => {
      const exchange = await rawExchange(targetOf(app(name).url), raw);
      expect(exchange.data.toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
      expect(exchange.ending).not.toBe('timeout');
    });
  });
});

/** Versions of the runtime and frameworks, which no response may show. */
function frameworkVersions(): string[] {
  const root = join(__dirname, '..', '..', 'node_modules');
  const version = (name: string) =>
    (JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')) as { version: string })
      .version;
  return [
    process.version,
    process.versions.node,
    version('@nestjs/core'),
    version('fastify'),
    version('express'),
    version('typeorm'),
  ];
}

const FRAMEWORK_WORDS = /express|fastify|nest|node\.?js|typeorm|x-powered-by/i;

describeOnce.each(ADAPTERS)('nothing names the framework on %s', (adapter) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ adapter });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('in any header or body, for successes, errors and protocol errors', async () => {
    const target = targetOf(app.url);
    const host = 'Host: autoconfig.example.com\r\n';
    const close = 'Connection: close\r\n';
    const requests = [
      // /initdb/ answers only a loopback Host: it loads the sample data here.
      `GET /initdb/ HTTP/1.1\r\nHost: localhost\r\n${close}\r\n`,
      `GET / HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /mail/config-v1.1.xml?emailaddress=a%40example.com HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /mail/config-v1.1.xml?emailaddress=a%40nowhere.example HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /mail/config-v1.1.xml HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /mobileconfig/?emailaddress=a%40example.com HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /mobileconfig HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /autodiscover/autodiscover.json?Email=a%40example.com&Protocol=AutodiscoverV1 HTTP/1.1\r\n${host}${close}\r\n`,
      `POST /autodiscover/autodiscover.xml HTTP/1.1\r\n${host}Content-Type: text/xml\r\nContent-Length: 3\r\n${close}\r\n<a>`,
      `POST /autodiscover/autodiscover.xml HTTP/1.1\r\n${host}Content-Type: text/xml\r\nContent-Length: 70000\r\n${close}\r\n${'x'.repeat(70000)}`,
      `GET /nope HTTP/1.1\r\n${host}${close}\r\n`,
      `PUT / HTTP/1.1\r\n${host}Content-Length: 0\r\n${close}\r\n`,
      `OPTIONS /initdb/ HTTP/1.1\r\n${host}${close}\r\n`,
      `TRACE / HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /healthz/ready HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /metrics HTTP/1.1\r\n${host}${close}\r\n`,
      `GET /%zz HTTP/1.1\r\n${host}${close}\r\n`,
      `GET / HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GET\r\n\r\n',
    ];
    const versions = frameworkVersions();
    for (const raw of requests) {
      const exchange = await rawExchange(target, raw);
      const text = exchange.data.toString('latin1');
      const label = raw.split('\r\n')[0];
      expect({ label, status: /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] }).toEqual({
        label,
        status: expect.stringMatching(/^[234]\d\d$/) as unknown,
      });
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const headerLines = head.split('\r\n').slice(1);
      for (const line of headerLines) {
        expect({ label, line, framework: FRAMEWORK_WORDS.test(line) }).toEqual({
          label,
          line,
          framework: false,
        });
        expect(line.toLowerCase()).not.toMatch(/^(server|x-powered-by|x-runtime|via):/);
      }
      // The metrics exposition (administrative, loopback-only behind the proxy) carries
      // prom-client's nodejs_version_info by design; headers are checked there too.
      if (!label?.startsWith('GET /metrics')) {
        for (const version of versions) {
          expect({ label, leaks: text.includes(version) }).toEqual({ label, leaks: false });
        }
        expect({ label, framework: FRAMEWORK_WORDS.test(body) }).toEqual({
          label,
          framework: false,
        });
      }
    }
  });
});
