import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AppLogger } from '../../common/app-logger';
import type { AppConfig, LogFormat } from '../../config/app-config';
import { APP_CONFIG_NAMESPACE, AppConfigService } from '../../config/app-config.service';
import { loadConfig } from '../../config/load-config';
import { AdminError } from '../admin-error';
import { ADMIN_REALM, AdminAuthGuard } from './admin-auth.guard';
import { adminTokenName } from './admin-request';
import { generateToken } from './admin-token';
import { createToken } from './token-file';
import { TokenStore } from './token-store';

@Controller('admin/api/v1/domains')
class DomainsStandIn {
  @Get(':name')
  one(): void {}
}

interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly socket: { readonly remoteAddress: string };
  readonly raw: object;
}

function requestFrom(
  peer: string,
  headers: Record<string, string | string[] | undefined> = {},
): FakeRequest {
  return {
    method: 'GET',
    url: '/admin/api/v1/domains/example.com',
    headers,
    socket: { remoteAddress: peer },
    raw: {},
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe(AdminAuthGuard.name, () => {
  let dir: string;
  let tokensFile: string;
  let ops: string;
  let store: TokenStore;
  let lines: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-guard-'));
    tokensFile = join(dir, 'tokens.json');
    ops = await createToken(tokensFile, 'ops');
    store = await TokenStore.open(tokensFile, { log: { log: () => 0, warn: () => 0 } });
  });

  afterAll(() => {
    store.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function guard(overrides: Partial<AppConfig> = {}, format: LogFormat = 'text'): AdminAuthGuard {
    const base = loadConfig({
      locator: { env: {}, home: '/nonexistent', exists: () => false },
    }).config;
    const config: AppConfig = {
      ...base,
      admin: { tokensFile, importLimit: 1 << 20, authFailures: 3 },
      ...overrides,
    };
    lines = [];
    Logger.overrideLogger(new AppLogger('WARNING', format, (line) => lines.push(line)));
    const service = new AppConfigService(new ConfigService({ [APP_CONFIG_NAMESPACE]: config }));
    return new AdminAuthGuard(service, store, new Reflector());
  }

  /** The guard's verdict: true, or the AdminError's status and headers. */
  async function check(
    subject: AdminAuthGuard,
    request: FakeRequest,
  ): Promise<true | { status: number; headers: Record<string, string> }> {
    const context = new ExecutionContextHost(
      [request, {}, undefined],
      DomainsStandIn,
      DomainsStandIn.prototype.one,
    );
    try {
      return (await subject.canActivate(context)) as true;
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      expect(error.message).toBe(
        error.status === 401
          ? 'missing or invalid bearer token'
          : 'too many failed authentications',
      );
      return { status: error.status, headers: { ...error.options.headers } };
    }
  }

  const MISSING = { status: 401, headers: { 'WWW-Authenticate': ADMIN_REALM } };
  const INVALID = {
    status: 401,
    headers: { 'WWW-Authenticate': `${ADMIN_REALM}, error="invalid_token"` },
  };

  it('lets a valid token through (scheme in any case) and keeps its name for the handler', async () => {
    const subject = guard();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const request = requestFrom('192.0.2.1', { authorization: `${scheme} ${ops}` });
      expect(await check(subject, request)).toBe(true);
      expect(adminTokenName(request)).toBe('ops');
      expect(adminTokenName(request.raw)).toBe('ops');
    }
    expect(() => adminTokenName(requestFrom('192.0.2.1'))).toThrow(/not authenticated/);
    expect(lines).toEqual([]);
  });

  it.each([
    ['no Authorization header', {}, MISSING],
    ['an empty one', { authorization: '' }, MISSING],
    [
      'another scheme',
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      MISSING,
    ],
    ['Bearer without a token', { authorization: 'Bearer' }, MISSING],
    ['an unknown token', bearer(generateToken().token), INVALID],
    ['garbage', bearer('hunter2'), INVALID],
    ['two tokens', { authorization: 'Bearer a b' }, INVALID],
    ['characters no token has', { authorization: 'Bearer a"b' }, INVALID],
    ['two headers', { authorization: ['Bearer a', 'Bearer b'] }, INVALID],
    ['a huge token', bearer('a'.repeat(100_000)), INVALID],
  ])('answers 401 to %s', async (_case, headers, expected) => {
    expect(await check(guard(), requestFrom('192.0.2.1', headers))).toEqual(expected);
  });

  it('refuses a client after `admin_auth_failures` failures within a minute, valid token or not', async () => {
    const subject = guard();
    const attacker = '198.51.100.7';
    for (let i = 0; i < 3; i++) {
      expect(await check(subject, requestFrom(attacker, bearer(generateToken().token)))).toEqual(
        INVALID,
      );
    }
    for (const headers of [bearer(ops), {}, bearer('x')]) {
      const refused = await check(subject, requestFrom(attacker, headers));
      expect(refused).toEqual({
        status: 429,
        headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
      });
      const seconds = Number(
        (refused as { headers: Record<string, string> }).headers['Retry-After'],
      );
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
    }
    // Another client is not affected.
    expect(await check(subject, requestFrom('198.51.100.8', bearer(ops)))).toBe(true);
    expect(await check(subject, requestFrom('198.51.100.8', {}))).toEqual(MISSING);
  });

  it('counts failures only: successes in between do not use up the allowance', async () => {
    const subject = guard();
    const client = '203.0.113.9';
    expect(await check(subject, requestFrom(client, {}))).toEqual(MISSING);
    expect(await check(subject, requestFrom(client, {}))).toEqual(MISSING);
    for (let i = 0; i < 20; i++)
      expect(await check(subject, requestFrom(client, bearer(ops)))).toBe(true);
    expect(await check(subject, requestFrom(client, {}))).toEqual(MISSING);
    expect(
      ((await check(subject, requestFrom(client, bearer(ops)))) as { status: number }).status,
    ).toBe(429);
  });

  it('counts the client behind trusted proxies, and an IPv6 client by its /64', async () => {
    const subject = guard({ proxyCount: 1, trustedProxies: ['127.0.0.1'] });
    const via = (client: string, headers: Record<string, string> = {}) =>
      requestFrom('127.0.0.1', { ...headers, 'x-forwarded-for': client });
    for (let i = 0; i < 3; i++) await check(subject, via('2001:db8:1:2::1'));
    expect(((await check(subject, via('2001:db8:1:2::ffff'))) as { status: number }).status).toBe(
      429,
    );
    expect(await check(subject, via('2001:db8:1:3::1', bearer(ops)))).toBe(true);
    expect(await check(subject, via('192.0.2.50'))).toEqual(MISSING);
    expect(lines.filter((line) => line.includes('admin authentication failed'))).toEqual([
      expect.stringContaining('2001:db8:1:2::1 GET'),
      expect.stringContaining('2001:db8:1:2::1 GET'),
      expect.stringContaining('2001:db8:1:2::1 GET'),
      expect.stringContaining('192.0.2.50 GET'),
    ]);
  });

  it('logs each failure once (client, method, route, reason), never the token', async () => {
    const subject = guard();
    const wrong = generateToken();
    const client = '192.0.2.77';
    expect(await check(subject, requestFrom(client, bearer(wrong.token)))).toEqual(INVALID);
    expect(await check(subject, requestFrom(client, {}))).toEqual(MISSING);
    expect(
      await check(subject, requestFrom(client, { authorization: `Bearer ${ops} extra` })),
    ).toEqual(INVALID);
    expect(await check(subject, requestFrom(client, bearer(ops)))).toMatchObject({ status: 429 });
    expect(await check(subject, requestFrom(client, bearer(wrong.token)))).toMatchObject({
      status: 429,
    });
    const text = lines.map((line) => line.trimEnd().replace(/^\S+ /, ''));
    expect(text).toEqual([
      `WARNING [AdminAuth] admin authentication failed: ${client} GET /admin/api/v1/domains/:name: invalid token`,
      `WARNING [AdminAuth] admin authentication failed: ${client} GET /admin/api/v1/domains/:name: no bearer token`,
      `WARNING [AdminAuth] admin authentication failed: ${client} GET /admin/api/v1/domains/:name: malformed bearer credentials`,
      expect.stringMatching(
        new RegExp(
          `^WARNING \\[AdminAuth\\] admin authentication: ${client} failed 3 times; its requests are refused \\(429\\) for \\d+ s$`,
        ),
      ),
    ]);
    const secrets = [
      wrong.token,
      wrong.secret,
      wrong.secret.slice(0, 12),
      ops,
      ops.split('_').slice(2).join('_'),
    ];
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it('writes the failure as JSON fields with log_format = json', async () => {
    const subject = guard({}, 'json');
    await check(subject, requestFrom('192.0.2.78', bearer('nope')));
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: expect.any(String),
        level: 'WARNING',
        context: 'AdminAuth',
        event: 'admin_auth_failed',
        client: '192.0.2.78',
        method: 'GET',
        route: '/admin/api/v1/domains/:name',
        reason: 'invalid token',
      },
    ]);
  });
});
