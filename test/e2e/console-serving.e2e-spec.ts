import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { AppLogger } from '../../src/common/app-logger';
import { consoleAssetsDir } from '../../src/console/console-assets';
import { CONSOLE_HEADERS } from '../../src/console/console-headers';
import { CONSOLE_ASSETS_DIR } from '../../src/console/console-store';
import { useAdminApp } from '../support/admin-app';
import { rawRequest, targetOf } from '../support/raw-http';
import { defaultTestAdapter, startTestApp, testConfig } from '../support/test-app';

/**
 * The web console's page and built files at /admin/ (the build of the Jest global
 * setup, dist/console): security headers on every answer, types, entity tags, HEAD,
 * redirects, 404 for anything the build did not write, 405 for other methods, no token
 * needed, the admin API unchanged; 404 with the API off, 503 without a build.
 */

const built = (path: string) => readFileSync(join(consoleAssetsDir(), path));

function expectConsoleHeaders(response: request.Response): void {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) {
    expect({ name, value: response.headers[name.toLowerCase()] }).toEqual({ name, value });
  }
}

describe('the web console with the admin API on', () => {
  const admin = useAdminApp('sqlite-memory');
  const url = () => admin.current.app.url;

  it('serves the built page at /admin/ without a token', async () => {
    const response = await request(url()).get('/admin/').buffer(true);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Buffer.from(response.text)).toEqual(built('index.html'));
    expect(response.headers['etag']).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(response.headers['set-cookie']).toBeUndefined();
    expectConsoleHeaders(response);
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
  ])('serves assets/%s as %s, byte for byte', async (file, type) => {
    const response = await request(url())
      .get(`/admin/assets/${file}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.body).toEqual(built(join('assets', file)));
    expect(Number(response.headers['content-length'])).toBe(built(join('assets', file)).length);
    expectConsoleHeaders(response);
  });

  it('answers HEAD like GET, without a body', async () => {
    for (const path of ['/admin/', '/admin/assets/app.js']) {
      const get = await request(url()).get(path);
      const head = await request(url()).head(path);
      expect({ path, status: head.status }).toEqual({ path, status: 200 });
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.headers['etag']).toBe(get.headers['etag']);
      expect(head.text ?? '').toBe('');
      expectConsoleHeaders(head);
    }
  });

  it('answers 304 to a matching If-None-Match, 200 to another', async () => {
    const first = await request(url()).get('/admin/assets/app.css');
    const etag = String(first.headers['etag']);
    const again = await request(url()).get('/admin/assets/app.css').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.headers['etag']).toBe(etag);
    expect(again.text ?? '').toBe('');
    expectConsoleHeaders(again);
    const other = await request(url()).get('/admin/assets/app.css').set('If-None-Match', '"x"');
    expect(other.status).toBe(200);
  });

  it.each([
    ['/admin', '/admin/'],
    ['/admin?x=1', '/admin/?x=1'],
    ['/ADMIN', '/admin/'],
  ])('redirects %s to %s', async (from, to) => {
    const response = await request(url()).get(from).redirects(0);
    expect(response.status).toBe(308);
    expect(response.headers['location']).toBe(to);
    expectConsoleHeaders(response);
  });

  it.each([
    '/admin/assets/nope.js',
    '/admin/assets/app.JS',
    '/admin/assets/index.html',
    '/admin/assets/..%2Findex.html',
    '/admin/assets/..%2F..%2Fpackage.json',
    '/admin/assets/%2e%2e',
    '/admin/assets/.hidden.js',
  ])('answers GET %s with a short 404, with the console headers', async (path) => {
    const response = await request(url()).get(path);
    expect(response.status).toBe(404);
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
    expect(response.text.length).toBeLessThan(100);
    expectConsoleHeaders(response);
  });

  it.each([
    '/admin/index.html',
    '/admin/console.module.js',
    '/admin/assets',
    '/admin/assets/a/b.js',
    '/admin/x',
  ])('answers the unknown path %s with 404 text/plain', async (path) => {
    const response = await request(url()).get(path);
    expect(response.status).toBe(404);
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
  });

  it.each([
    'GET /admin/assets/../../package.json HTTP/1.1',
    'GET /admin/assets/..%2f..%2fpackage.json HTTP/1.1',
    'GET /admin/assets/%2e%2e%2fmain.js HTTP/1.1',
    'GET /admin/../package.json HTTP/1.1',
  ])('never serves a file outside the build: %s', async (line) => {
    const response = await rawRequest(
      targetOf(url()),
      `${line}\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect([400, 404]).toContain(response.statusCode);
    expect(response.body.toString('latin1')).not.toContain('automx2-nest');
  });

  it.each(['/admin/', '/admin/assets/app.js'])(
    'answers other methods on %s with 405 and Allow, OPTIONS with 204',
    async (path) => {
      for (const method of ['post', 'put', 'delete', 'patch'] as const) {
        const response = await request(url())[method](path);
        expect({ method, status: response.status }).toEqual({ method, status: 405 });
        expect(response.headers['allow']).toBe('GET, HEAD, OPTIONS');
      }
      const options = await request(url()).options(path);
      expect(options.status).toBe(204);
      expect(options.headers['allow']).toBe('GET, HEAD, OPTIONS');
    },
  );

  it('leaves the admin API behind its token', async () => {
    const without = await request(url()).get('/admin/api/v1/domains');
    expect(without.status).toBe(401);
    const withToken = await request(url())
      .get('/admin/api/v1/domains')
      .set('Authorization', `Bearer ${admin.current.token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.headers['content-security-policy']).toBeUndefined();
    expect(JSON.parse(withToken.text)).toEqual(expect.objectContaining({ items: [] }));
  });
});

describe('the web console with the admin API off', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    app = await startTestApp({ dbUri: 'sqlite:///:memory:' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(['/admin', '/admin/', '/admin/assets/app.js'])(
    'does not exist: %s is 404',
    async (path) => {
      const response = await request(app.url).get(path).redirects(0);
      expect(response.status).toBe(404);
      expect(response.headers['content-security-policy']).toBeUndefined();
    },
  );
});

describe('the web console without a build', () => {
  let app: INestApplication;
  let base: string;
  let dir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-console-'));
    const config = testConfig({ dbUri: 'sqlite:///:memory:' });
    const withAdmin = {
      ...config,
      admin: { ...config.admin, tokensFile: join(dir, 'admin-tokens') },
    };
    const { createToken } = await import('../../src/admin/auth/token-file');
    await createToken(withAdmin.admin.tokensFile, 'ops');
    const logger = new AppLogger(withAdmin.loglevel, withAdmin.logFormat, (line) => {
      lines.push(line);
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(withAdmin)] })
      .setLogger(logger)
      .overrideProvider(CONSOLE_ASSETS_DIR)
      .useValue(join(dir, 'not-built'))
      .compile();
    app = moduleRef.createNestApplication(
      // The routing of src/bootstrap/create-app.ts (a trailing slash matches).
      defaultTestAdapter() === 'express'
        ? new ExpressAdapter()
        : new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } }),
      { logger },
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/admin/', '/admin/assets/app.js'])('answers %s 503, saying to build', async (path) => {
    const response = await request(base).get(path);
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text).toContain('npm run build');
    expect(response.text.length).toBeLessThan(100);
    expectConsoleHeaders(response);
  });

  it('warned once at start-up', () => {
    const warnings = lines.filter((line) => line.includes('web console is not built'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('npm run build');
  });
});
