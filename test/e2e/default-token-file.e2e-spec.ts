import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSearchPath } from '../../src/config/config-locator';
import { firstPassOnly } from '../support/adapter-pass';
import { DIST_CLI, DIST_MAIN, ensureBuilt, ROOT } from '../support/dist';
import { runNode } from '../support/run-node';

/**
 * The console's first steps on a fresh checkout, without any configuration file: the
 * server and `automx2-nest token create` agree on ~/.automx2-admin-tokens.json, so a
 * token created after start-up is accepted within the file's poll interval (10 s).
 * Skipped where a standard configuration file exists (it would be read instead).
 */

const standardFiles = configSearchPath({ env: {}, home: '/nonexistent' }).filter((path) =>
  existsSync(path),
);
const describeOnce =
  standardFiles.length === 0
    ? firstPassOnly()
    : (() => {
        process.stderr.write(`SKIPPED (${standardFiles.join(', ')} exists): embedded defaults\n`);
        return describe.skip;
      })();

/** Hang guard for "within 10 seconds" (generous: CI machines can be slow). */
const PICK_UP_MS = 25_000;

describeOnce('the embedded defaults and the admin token file', () => {
  let home: string;
  let server: ChildProcess | undefined;
  let stderr = '';
  let url = '';

  /** The environment of both processes: no AUTOMX2_CONF, the test's HOME. */
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home });

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'automx2-default-tokens-'));
    const child = spawn(process.execPath, [DIST_MAIN, '--host', '127.0.0.1', '--port', '0'], {
      cwd: ROOT,
      env: env(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\b/.exec(stderr);
      if (match) {
        url = match[1] ?? '';
        break;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`server did not start:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }, 200_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once('close', resolve));
      server.kill('SIGKILL');
      await exited;
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const domains = (token: string) =>
    fetch(`${url}/admin/api/v1/domains`, { headers: { authorization: `Bearer ${token}` } });

  it('turns the admin API on, refusing every token until one is created', async () => {
    expect(stderr).toContain(`admin_tokens_file = "${join(home, '.automx2-admin-tokens.json')}"`);
    expect((await domains('amx2_nothing_here')).status).toBe(401);
  });

  it(
    'accepts the token `token create` writes with the same defaults, within seconds',
    async () => {
      const created = await runNode(DIST_CLI, ['token', 'create', 'admin'], {
        cwd: home,
        env: env(),
      });
      expect(created.code).toBe(0);
      const file = join(home, '.automx2-admin-tokens.json');
      expect(created.stderr).toContain(`created token "admin" in ${file}`);
      expect(statSync(file).mode & 0o077).toBe(0);
      const token = created.stdout.trim();
      const deadline = Date.now() + PICK_UP_MS;
      let status = (await domains(token)).status;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await domains(token)).status;
      }
      expect(status).toBe(200);
    },
    PICK_UP_MS + 10_000,
  );
});
