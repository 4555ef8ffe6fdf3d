import { connect } from 'node:net';
import request from 'supertest';
import type { HttpAdapterName } from '../../src/config/app-config';
import { rawRequest, targetOf } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';

const JSON_TYPE = /^application\/json(; ?charset=utf-8)?$/i;
const HOST = 'autodiscover.example.com';
const POX_URL = `https://${HOST}/autodiscover/autodiscover.xml`;
const CONFIGURED_URL = 'https://mail.example.net/autodiscover/autodiscover.xml';

const invalidProtocol = (protocol: string) => ({
  ErrorCode: 'InvalidProtocol',
  ErrorMessage: `The given protocol value '${protocol}' is invalid. Supported values are 'AutodiscoverV1'`,
});

function expectJson(response: request.Response, status: number, body: unknown): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(JSON_TYPE);
  expect(JSON.parse(response.text)).toEqual(body);
}

function expectEndpoint(response: request.Response, url: string): void {
  expectJson(response, 200, { Protocol: 'AutodiscoverV1', Url: url });
  // Exactly the bytes Outlook expects, in this key order.
  expect(response.text).toBe(JSON.stringify({ Protocol: 'AutodiscoverV1', Url: url }));
}

/** Sends raw bytes (for requests an HTTP client library refuses to build). */
function rawExchange(app: TestApp, bytes: string): Promise<string> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.write(bytes, 'latin1');
  });
}

const ADAPTERS: readonly HttpAdapterName[] = ['fastify', 'express'];

describe.each(ADAPTERS)('GET /autodiscover/autodiscover.json on %s', (adapter) => {
  let app: TestApp;
  let proxied: TestApp;
  let configured: TestApp;

  beforeAll(async () => {
    [app, proxied, configured] = await Promise.all([
      startTestApp({ adapter }),
      startTestApp({ adapter, config: { proxyCount: 1 } }),
      startTestApp({ adapter, config: { autodiscoverUrl: CONFIGURED_URL } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), proxied?.close(), configured?.close()]);
  });

  const get = (target: TestApp, path: string, host = HOST) =>
    request(target.url).get(path).set('Host', host);

  describe('the AutodiscoverV1 protocol', () => {
    it.each([
      '/autodiscover/autodiscover.json?Email=user@example.com&Protocol=AutodiscoverV1',
      '/autodiscover/autodiscover.json?Email=user%40example.com&Protocol=Autodiscoverv1',
      '/autodiscover/autodiscover.json?Protocol=autodiscoverv1&Email=user@example.com',
      '/autodiscover/autodiscover.json?email=user@example.com&protocol=AUTODISCOVERV1',
      '/autodiscover/autodiscover.json?PROTOCOL=AutodiscoverV1',
      '/Autodiscover/Autodiscover.json?Email=user@example.com&Protocol=AutodiscoverV1',
      '/AutoDiscover/AutoDiscover.JSON?Email=user@example.com&Protocol=AutodiscoverV1',
      '/autodiscover/autodiscover.json/v1.0/user@example.com?Protocol=AutodiscoverV1',
      '/autodiscover/autodiscover.json/v1.0/user%40example.com?Protocol=AutodiscoverV1',
      '/Autodiscover/Autodiscover.json/V1.0/user@example.com?Protocol=Autodiscoverv1',
      '/autodiscover/autodiscover.json/v1.0/user@example.com?protocol=autodiscoverv1',
      '/autodiscover/autodiscover.json/v1.0/user@example.com/?Protocol=AutodiscoverV1',
    ])('GET %s → the POX URL, https', async (path) => {
      expectEndpoint(await get(app, path), POX_URL);
    });

    it('needs no Email (the address is not used)', async () => {
      expectEndpoint(
        await get(app, '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1'),
        POX_URL,
      );
    });

    it('drops a port from the Host header and lower-cases the host', async () => {
      const response = await get(
        app,
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
        'AutoDiscover.Example.COM:8443',
      );
      expectEndpoint(response, POX_URL);
    });

    it('takes an IPv6 literal host as it is', async () => {
      const response = await get(
        app,
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
        '[::1]:4243',
      );
      expectEndpoint(response, 'https://[::1]/autodiscover/autodiscover.xml');
    });

    it('answers HEAD', async () => {
      const response = await request(app.url)
        .head('/autodiscover/autodiscover.json?Protocol=AutodiscoverV1')
        .set('Host', HOST);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(JSON_TYPE);
    });
  });

  describe('other protocols', () => {
    it.each([
      ['ActiveSync', '?Email=user@example.com&Protocol=ActiveSync'],
      ['Ews', '/v1.0/user@example.com?Protocol=Ews'],
      ['AutodiscoverV2', '?Protocol=AutodiscoverV2'],
      ['', '?Email=user@example.com&Protocol='],
    ])('refuses %j with the 400 JSON error', async (protocol, rest) => {
      const response = await get(app, `/autodiscover/autodiscover.json${rest}`);
      expectJson(response, 400, invalidProtocol(protocol));
    });

    it.each([
      '/autodiscover/autodiscover.json?Email=user@example.com',
      '/autodiscover/autodiscover.json/v1.0/user@example.com',
      '/autodiscover/autodiscover.json?Protocol[]=AutodiscoverV1',
    ])('refuses a missing protocol (%s) with the 400 JSON error', async (path) => {
      expectJson(await get(app, path), 400, invalidProtocol(''));
    });

    it('escapes what it repeats of the protocol value', async () => {
      const response = await get(app, '/autodiscover/autodiscover.json?Protocol=%22%3Cb%3E%5C');
      expectJson(response, 400, invalidProtocol('"<b>\\'));
      expect(response.text).toContain('\\"<b>\\\\');
    });
  });

  describe('the host in the URL', () => {
    it('ignores X-Forwarded-Host without trusted proxies (proxy_count 0)', async () => {
      const response = await get(
        app,
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
      ).set('X-Forwarded-Host', 'evil.example');
      expectEndpoint(response, POX_URL);
    });

    it('uses X-Forwarded-Host with proxy_count 1: the entry our proxy wrote', async () => {
      const path = '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1';
      const single = await get(proxied, path, 'backend:4243').set('X-Forwarded-Host', HOST);
      expectEndpoint(single, POX_URL);
      const chained = await get(proxied, path, 'backend:4243').set(
        'X-Forwarded-Host',
        `evil.example, ${HOST}`,
      );
      expectEndpoint(chained, POX_URL);
      const absent = await get(proxied, path);
      expectEndpoint(absent, POX_URL);
    });

    it('with trusted_proxies, reads X-Forwarded-Host only from a listed peer', async () => {
      const listed = await startTestApp({
        adapter,
        config: { proxyCount: 1, trustedProxies: ['127.0.0.2'] },
      });
      try {
        const ask = async (from: string) => {
          const response = await rawRequest(
            targetOf(listed.url),
            'GET /autodiscover/autodiscover.json?Protocol=AutodiscoverV1 HTTP/1.1\r\n' +
              `Host: ${HOST}\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n`,
            { localAddress: from },
          );
          return JSON.parse(response.body.toString('utf8')) as unknown;
        };
        // The listed proxy wrote it: it is the host the client asked for.
        expect(await ask('127.0.0.2')).toEqual({
          Protocol: 'AutodiscoverV1',
          Url: 'https://evil.example/autodiscover/autodiscover.xml',
        });
        // Anybody else: forged, ignored; the Host header counts.
        expect(await ask('127.0.0.1')).toEqual({ Protocol: 'AutodiscoverV1', Url: POX_URL });
      } finally {
        await listed.close();
      }
    });

    it('uses autodiscover_url when it is set, whatever the Host', async () => {
      const path = '/autodiscover/autodiscover.json/v1.0/user@example.com?Protocol=AutodiscoverV1';
      expectEndpoint(await get(configured, path, 'other.example'), CONFIGURED_URL);
      expectEndpoint(await get(configured, path, 'not a host'), CONFIGURED_URL);
    });

    it('still refuses other protocols when autodiscover_url is set', async () => {
      const response = await get(configured, '/autodiscover/autodiscover.json?Protocol=ActiveSync');
      expectJson(response, 400, invalidProtocol('ActiveSync'));
    });

    it.each([
      'evil.example/x',
      'user@evil.example',
      'evil example',
      'evil.example:x',
      'évil.example',
    ])('never reflects a Host of %j: 400 JSON', async (host) => {
      const response = await get(
        app,
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
        host,
      );
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(JSON_TYPE);
      expect(JSON.parse(response.text)).toMatchObject({ ErrorCode: 'InvalidHost' });
      expect(response.text).not.toContain('evil');
      expect(response.text).not.toContain('https://');
    });

    it('never reflects a forged X-Forwarded-Host behind a trusted proxy', async () => {
      const response = await get(
        proxied,
        '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1',
      ).set('X-Forwarded-Host', 'evil.example/@x');
      expectJson(response, 400, expect.objectContaining({ ErrorCode: 'InvalidHost' }));
      expect(response.text).not.toContain('evil');
    });

    it('refuses an HTTP/1.0 request without Host with a 400', async () => {
      const answer = await rawExchange(
        app,
        'GET /autodiscover/autodiscover.json?Protocol=AutodiscoverV1 HTTP/1.0\r\n\r\n',
      );
      expect(answer).toMatch(/^HTTP\/1\.[01] 400 /);
      expect(answer).toContain('"ErrorCode":"InvalidHost"');
      expect(answer).not.toContain('https://');
    });

    it.each([
      ['a CR', 'evil.example\rX-Injected: 1'],
      ['a bare LF', 'evil.example\nX-Injected: 1'],
    ])('never reflects a Host with %s', async (_name, host) => {
      const answer = await rawExchange(
        app,
        `GET /autodiscover/autodiscover.json?Protocol=AutodiscoverV1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).not.toContain('evil');
      expect(answer).not.toContain('X-Injected');
    });
  });

  describe('the access log', () => {
    it('never writes the address of the /v1.0/<address> form (logged as its route pattern)', async () => {
      const logLines: string[] = [];
      const logged = await startTestApp({ adapter, logLines, config: { loglevel: 'INFO' } });
      try {
        for (const path of [
          '/autodiscover/autodiscover.json/v1.0/secret.person@example.com',
          '/Autodiscover/Autodiscover.json/V1.0/secret.person%40example.com',
          '/autodiscover/autodiscover.json/v1.0/secret.person@example.com/',
        ]) {
          await get(logged, `${path}?Protocol=AutodiscoverV1`).expect(200);
        }
        const access = logLines.filter((line) => line.includes('[Access]'));
        expect(access).toHaveLength(3);
        for (const line of access) {
          expect(line).toContain(' GET /autodiscover/autodiscover.json/v1.0/:address 200 ');
        }
        expect(logLines.join('')).not.toMatch(/secret\.person/i);
        // The query form is logged as its route pattern too (the query is never logged).
        await get(logged, '/AutoDiscover/autodiscover.json?Email=secret.person@example.com');
        expect(logLines.at(-1)).toContain(' GET /autodiscover/autodiscover.json 400 ');
        expect(logLines.join('')).not.toMatch(/secret\.person/i);
      } finally {
        await logged.close();
      }
    });
  });

  describe('methods', () => {
    it.each([
      '/autodiscover/autodiscover.json',
      '/autodiscover/autodiscover.json/v1.0/user@example.com',
    ])('answers POST on %s with 405 and Allow', async (path) => {
      const response = await request(app.url)
        .post(path)
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
    });
  });
});
