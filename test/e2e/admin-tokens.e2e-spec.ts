import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPassOnly } from '../support/adapter-pass';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, DIST_MAIN, ensureBuilt } from '../support/dist';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { runNode, type Finished } from '../support/run-node';

/**
 * The admin API's tokens as operators handle them: `automx2-nest token` from dist/
 * (create, list, revoke; the file owner-only, the token printed once), and the compiled
 * server reading the file: start-up refuses a malformed one, changes apply within
 * seconds and on SIGHUP, failures are 401/429 and logged without the token, and audit
 * lines are written even at loglevel CRITICAL. Nothing here depends on the HTTP adapter:
 * the Express pass of `npm test` skips the file.
 */

const describeOnce = firstPassOnly();

/** Hang guard for "within 10 seconds" (generous: CI machines can be slow). */
const PICK_UP_MS = 20_000;

let home: string;
let emptyConf: string;

/** Runs `script` (the CLI or the server) with the configuration file `conf`. */
function run(script: string, args: readonly string[], conf = emptyConf): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, AUTOMX2_CONF: conf };
  return runNode(script, args, { cwd: home, env });
}

const token = (args: readonly string[], conf?: string) => run(DIST_CLI, ['token', ...args], conf);

/** A configuration file in the temporary directory. */
function conf(name: string, keys: Readonly<Record<string, string>>): string {
  const path = join(home, name);
  const lines = Object.entries(keys).map(([key, value]) => `${key} = ${value}`);
  writeFileSync(path, `[automx2]\n${lines.join('\n')}\n`);
  return path;
}

/** Creates a token with the CLI and returns it. */
async function created(file: string, name: string): Promise<string> {
  const result = await token(['create', name, '--file', file]);
  if (result.code !== 0) throw new Error(`token create failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** The secret part of `amx2_<id>_<secret>`. */
const secretOf = (value: string) => value.split('_').slice(2).join('_');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, probe: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + PICK_UP_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${PICK_UP_MS} ms: ${what}`);
    await sleep(200);
  }
}

/** Replaces `path` atomically with `text`, as an editor or the CLI would. */
function replaceFile(path: string, text: string): void {
  const temporary = `${path}.new`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

beforeAll(() => {
  if (process.env.TEST_HTTP_ADAPTER === 'express') return;
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'automx2-tokens-e2e-'));
  emptyConf = emptyConfigFile(home);
}, 200_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describeOnce('automx2-nest token', () => {
  it('create prints the token alone, once, and writes only its hash to an owner-only file', async () => {
    const file = join(home, 'create.json');
    const result = await token(['create', 'ops', '--file', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^amx2_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    const value = result.stdout.trim();
    expect(result.stderr).toBe(
      `created token "ops" in ${file}. It is shown only this once (the file keeps only a ` +
        'hash of it); running servers accept it within 10 seconds.\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(secretOf(value));
    expect(JSON.parse(text)).toEqual({
      version: 1,
      tokens: [
        {
          name: 'ops',
          id: value.split('_')[1],
          hash: expect.stringMatching(/^scrypt\$N=32768,r=8,p=1\$/),
          created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        },
      ],
    });

    const list = await token(['list', '--file', file]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ops {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(list.stdout + list.stderr).not.toContain(value.split('_')[1]);
  });

  it('refuses a duplicate name (exit 1) and a bad one (exit 2), changing nothing', async () => {
    const file = join(home, 'duplicate.json');
    await created(file, 'ops');
    chmodSync(file, 0o640);
    const before = readFileSync(file, 'utf8');
    const duplicate = await token(['create', 'ops', '--file', file]);
    expect(duplicate).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${file}: a token named "ops" exists already (revoke it first)\n`,
    });
    const bad = await token(['create', 'no/slash', '--file', file]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/token create: "no\/slash": a name is 1–64 characters/);
    expect(readFileSync(file, 'utf8')).toBe(before);

    // A second token keeps the mode the operator gave the file.
    await created(file, 'ci');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('revoke removes a token; an unknown name is exit 1', async () => {
    const file = join(home, 'revoke.json');
    await created(file, 'a');
    await created(file, 'b');
    expect(await token(['revoke', 'a', '--file', file])).toEqual({
      code: 0,
      stdout: '',
      stderr: `revoked token "a" in ${file}; running servers refuse it within 10 seconds.\n`,
    });
    expect((await token(['list', '--file', file])).stdout).toMatch(/^b {2}\S+\n$/);
    expect(await token(['revoke', 'a', '--file', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: no token named "a" in ${file}\n`,
    });
  });

  it('uses admin_tokens_file of the configuration when --file is not given', async () => {
    const file = join(home, 'configured.json');
    const withFile = conf('configured.conf', { admin_tokens_file: file });
    expect((await token(['create', 'ops'], withFile)).code).toBe(0);
    expect((await token(['list'], withFile)).stdout).toMatch(/^ops {2}/);
    expect((await token(['list', '--file', file])).stdout).toMatch(/^ops {2}/);
  });

  it('is a usage error (exit 2) without a token file, with a hint', async () => {
    for (const args of [['create', 'ops'], ['list'], ['revoke', 'ops']]) {
      const result = await token(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `token: no token file: set admin_tokens_file in the configuration (${emptyConf}) ` +
          'or pass --file FILE',
      );
    }
    for (const args of [[], ['frob'], ['create'], ['list', 'extra'], ['create', 'a', '--force']]) {
      expect((await token(args)).code).toBe(2);
    }
  });

  it('reports a malformed file (exit 1) and lists an empty or missing one as nothing', async () => {
    const file = join(home, 'malformed.json');
    writeFileSync(file, '{"version": 1, "tokens": [');
    expect(await token(['list', '--file', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${file}: not valid JSON\n`,
    });
    expect((await token(['create', 'ops', '--file', file])).code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "tokens": [');
    const missing = join(home, 'missing.json');
    expect(await token(['list', '--file', missing])).toEqual({
      code: 0,
      stdout: '',
      stderr: `no tokens in ${missing}\n`,
    });
  });
});

describeOnce('the token file on the compiled server', () => {
  it('stops start-up and fails check-config on a malformed file (exit 2)', async () => {
    const file = join(home, 'bad-start.json');
    writeFileSync(file, JSON.stringify({ version: 1, tokens: [{ name: 'ops' }] }));
    const config = conf('bad-start.conf', {
      admin_tokens_file: file,
      db_uri: `sqlite:///${join(home, 'bad-start.sqlite')}`,
    });
    const problem = `${config}: admin_tokens_file = "${file}": tokens[0].id: expected a string`;
    const started = await run(DIST_MAIN, ['--host', '127.0.0.1', '--port', '0'], config);
    expect(started.code).toBe(2);
    expect(started.stderr).toBe(`config error: ${problem}\n`);
    const checked = await run(DIST_CLI, ['check-config'], config);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(`config error: ${problem}\n`);
  }, 60_000);

  describe('at the default loglevel, JSON log lines, behind a trusted proxy', () => {
    let server: ServerProcess;
    let file: string;
    let ops: string;

    beforeAll(async () => {
      file = join(home, 'served.json');
      ops = await created(file, 'ops');
      const dbUri = `sqlite:///${join(home, 'served.sqlite')}`;
      const migrated = await run(DIST_CLI, ['migrate'], conf('migrate.conf', { db_uri: dbUri }));
      expect(migrated.code).toBe(0);
      server = await startServerProcess({
        admin_tokens_file: file,
        db_uri: dbUri,
        log_format: 'json',
        admin_auth_failures: '2',
        proxy_count: '1',
        trusted_proxies: '127.0.0.1',
      });
    }, 120_000);

    afterAll(() => server?.destroy());

    /** GET /domains as `client` (X-Forwarded-For), with `authorization` when given. */
    const list = (client: string, authorization?: string) =>
      fetch(`${server.url}/admin/api/v1/domains`, {
        headers: {
          'x-forwarded-for': client,
          ...(authorization === undefined ? {} : { authorization }),
        },
      });

    const logLines = () =>
      server
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    it('answers a valid token and refuses others with 401 and a challenge', async () => {
      expect((await list('192.0.2.1', `Bearer ${ops}`)).status).toBe(200);
      const missing = await list('192.0.2.1');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="automx2-nest admin"');
      expect(await missing.json()).toEqual({ error: 'missing or invalid bearer token' });
      const wrong = await list('192.0.2.2', `Bearer ${ops.slice(0, -4)}AAAA`);
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe(
        'Bearer realm="automx2-nest admin", error="invalid_token"',
      );
    });

    it('answers 429 with Retry-After after admin_auth_failures failures, per client, logging no token', async () => {
      const attacker = '198.51.100.20';
      const tried = `Bearer ${ops.slice(0, -6)}BBBBBB`;
      expect((await list(attacker, tried)).status).toBe(401);
      expect((await list(attacker, 'Basic b3BzOnNlY3JldA==')).status).toBe(401);
      const refused = await list(attacker, `Bearer ${ops}`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await refused.json()).toEqual({ error: 'too many failed authentications' });
      expect((await list('198.51.100.21', `Bearer ${ops}`)).status).toBe(200);

      const mine = logLines().filter((line) => line.client === attacker);
      expect(mine).toEqual([
        expect.objectContaining({
          level: 'WARNING',
          context: 'AdminAuth',
          event: 'admin_auth_failed',
          method: 'GET',
          route: expect.stringContaining('/admin/api/v1/domains'),
          reason: 'invalid token',
        }),
        expect.objectContaining({ event: 'admin_auth_failed', reason: 'no bearer token' }),
        expect.objectContaining({ event: 'admin_auth_blocked', failures: 2 }),
      ]);
      const all = server.stderr();
      for (const part of [ops, secretOf(ops), secretOf(ops).slice(0, 16), tried.slice(7)]) {
        expect(all).not.toContain(part);
      }
    });

    it('takes a new token and a revocation within seconds, without a restart', async () => {
      // Each attempt from a client of its own: failed attempts count (admin_auth_failures).
      let attempts = 0;
      const fresh = () => `10.0.${Math.floor(++attempts / 250)}.${(attempts % 250) + 1}`;
      const ci = await created(file, 'ci');
      await eventually('the new token is accepted', async () => {
        return (await list(fresh(), `Bearer ${ci}`)).status === 200;
      });
      expect((await token(['revoke', 'ci', '--file', file])).code).toBe(0);
      await eventually('the revoked token is refused', async () => {
        return (await list(fresh(), `Bearer ${ci}`)).status === 401;
      });
      expect(logLines()).toContainEqual(
        expect.objectContaining({ event: 'admin_tokens_loaded', file, tokens: 2 }),
      );
    }, 60_000);

    it('keeps the tokens when the file turns bad, on SIGHUP and while polling (one warning)', async () => {
      const good = readFileSync(file, 'utf8');
      replaceFile(file, '{"version": 1, "tokens": [');
      server.child.kill('SIGHUP');
      await eventually('the reload says why it kept the tokens', () =>
        logLines().some((line) => line.context === 'Reload' && line.level === 'ERROR'),
      );
      expect(logLines().filter((line) => line.context === 'Reload')).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message:
            `SIGHUP: admin_tokens_file ${file}: not valid JSON; the 1 tokens read before ` +
            'stay in effect',
        }),
      );
      // Several 2-second checks of the same bad file: at most one warning between them.
      await sleep(5_000);
      const warnings = logLines().filter(
        (line) =>
          line.context === 'AdminAuth' &&
          typeof line.message === 'string' &&
          line.message.includes('not valid JSON'),
      );
      expect(warnings.length).toBeLessThanOrEqual(1);
      expect((await list('192.0.2.40', `Bearer ${ops}`)).status).toBe(200);
      replaceFile(file, good);
    }, 60_000);
  });

  it('writes audit lines at loglevel CRITICAL, naming the token, never showing it', async () => {
    const file = join(home, 'audit.json');
    const auditor = await created(file, 'auditor');
    const dbUri = `sqlite:///${join(home, 'audit.sqlite')}`;
    expect(
      (await run(DIST_CLI, ['migrate'], conf('audit-migrate.conf', { db_uri: dbUri }))).code,
    ).toBe(0);
    const server = await startServerProcess({
      admin_tokens_file: file,
      db_uri: dbUri,
      loglevel: 'CRITICAL',
    });
    try {
      const answer = await fetch(`${server.url}/admin/api/v1/domains/example.com`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${auditor}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          provider: { name: 'Example Inc.', short_name: 'Example' },
          servers: [
            {
              type: 'imap',
              name: 'imap.example.com',
              port: 993,
              socket_type: 'SSL',
              user_name: '%EMAILADDRESS%',
              authentication: 'plain',
              prio: 10,
            },
          ],
        }),
      });
      expect(answer.status).toBe(201);
      await eventually('the audit line', () => server.stderr().includes('[Audit]'));
      const audit = server
        .stderr()
        .split('\n')
        .filter((line) => line.includes('[Audit]'));
      expect(audit).toEqual([
        expect.stringMatching(
          /^\S+ INFO \[Audit\] admin change by token "auditor" from 127\.0\.0\.1: PUT \/admin\/api\/v1\/domains\/example\.com: .+$/,
        ),
      ]);
      expect(server.stderr()).toContain(`INFO [AdminAuth] admin tokens: 1 in effect from ${file}`);
      expect(server.stderr()).not.toContain(secretOf(auditor));
    } finally {
      await server.destroy();
    }
  }, 120_000);
});
