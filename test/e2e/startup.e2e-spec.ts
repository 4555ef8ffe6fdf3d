import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

/**
 * The compiled server as operators run it (`node dist/main.js`): configuration
 * problems stop start-up with exit code 2 and one line per bad key; a good
 * configuration serves until SIGTERM, then exits 0.
 */

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const BUILD_TIMEOUT_MS = 120_000;
const USAGE_ERRORS: readonly (readonly string[])[] = [
  ['--port', 'x'],
  ['--port', '70000'],
  ['--verbose'],
  ['extra'],
];

/** The environment of a spawned server: nothing inherited that configures automx2. */
function serverEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'LANG', 'TZ', 'SYSTEMROOT']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, HOME: home, ...extra };
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  stderr: string;
  stdout: string;
  readonly finished: Promise<Finished>;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env });
  const running: Running = {
    child,
    stderr: '',
    stdout: '',
    finished: new Promise<Finished>((resolve) => {
      // 'close', not 'exit': only then has everything the process wrote been read.
      child.once('close', (code, signal) => {
        resolve({ code, signal, stdout: running.stdout, stderr: running.stderr });
      });
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (running.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (running.stderr += chunk));
  return running;
}

/** Resolves with the first match of `pattern` on stderr; rejects on exit or timeout. */
async function waitForStderr(
  running: Running,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.finished.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(running.stderr);
    if (match) return match;
    if (exited || Date.now() > deadline) {
      throw new Error(`no ${String(pattern)} on stderr; got:\n${running.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Resolves with how the process ended, or rejects after `timeoutMs`. */
function within(finished: Promise<Finished>, timeoutMs: number): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    finished.finally(() => clearTimeout(timer)),
    new Promise<Finished>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    }),
  ]);
}

/** A TCP port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('node dist/main.js', () => {
  let dir: string;
  const started: Running[] = [];

  const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => {
    const running = start(args, serverEnv(dir, extra));
    started.push(running);
    return running;
  };

  const writeConfig = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    // Builds dist/ only when the sources are newer than it.
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.js'), '--build-only'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) {
      throw new Error(`build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    }
    dir = mkdtempSync(join(tmpdir(), 'automx2-startup-'));
  }, BUILD_TIMEOUT_MS + 5_000);

  afterAll(async () => {
    for (const running of started) {
      if (running.child.exitCode === null && running.child.signalCode === null) {
        running.child.kill('SIGKILL');
        await running.finished;
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('that cannot start', () => {
    /** How each refused start-up ended; the processes run side by side. */
    const results = new Map<string, Finished>();
    let badFile = '';
    let secretFile = '';
    let percentFile = '';

    beforeAll(async () => {
      // `%%` is a literal `%` in the INI file: the URL then holds a bare `%`.
      percentFile = writeConfig(
        'percent.conf',
        '[automx2]\ndb_uri = postgresql://automx2:Very%%Secret42@db.example.com/automx2\n',
      );
      badFile = writeConfig(
        'bad.conf',
        '[automx2]\nloglevel = LOUD\nproxy_count = x\nport = 4243\nunknown_key = 1\n',
      );
      secretFile = writeConfig(
        'secret.conf',
        '[automx2]\ndb_uri = oracle://automx2:VerySecret42@db.example.com/automx2\n',
      );
      const runs: [string, readonly string[], NodeJS.ProcessEnv][] = [
        ['bad', ['--port', '0'], { AUTOMX2_CONF: badFile }],
        ['secret', [], { AUTOMX2_CONF: secretFile }],
        ['percent', [], { AUTOMX2_CONF: percentFile }],
        ['percent-env', [], { AUTOMX2_DB_URI: 'postgresql://automx2:Very%Secret42@h/automx2' }],
        ['env', [], { AUTOMX2_DB_URI: 'nonsense' }],
        ['missing-conf', [], { AUTOMX2_CONF: join(dir, 'missing.conf') }],
        ['unreadable-conf', [], { AUTOMX2_CONF: dir }],
        ...USAGE_ERRORS.map((args): [string, readonly string[], NodeJS.ProcessEnv] => [
          args.join(' '),
          args,
          {},
        ]),
      ];
      const finished = await Promise.all(
        runs.map(([, args, env]) => within(run(args, env).finished, 45_000)),
      );
      runs.forEach(([key], index) => results.set(key, finished[index]!));
    }, 90_000);

    it('exits with code 2 and prints one line per bad key naming file, key and value', () => {
      const result = results.get('bad')!;
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `config error: ${badFile}: loglevel = "LOUD": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL`,
        `config error: ${badFile}: proxy_count = "x": expected an integer from 0 to 100`,
      ]);
      expect(result.stdout).toBe('');
    });

    it('never prints the database password', () => {
      const result = results.get('secret')!;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`config error: ${secretFile}: db_uri = `);
      expect(result.stderr).not.toContain('VerySecret42');
    });

    it('refuses a bare % in the password with code 2 naming db_uri, from the file and the environment', () => {
      for (const key of ['percent', 'percent-env']) {
        const result = results.get(key)!;
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toMatch(
          /^config error: (.*percent\.conf: db_uri|environment: AUTOMX2_DB_URI) = .*: malformed percent-encoding in the password/,
        );
        expect(result.stderr).not.toContain('Secret42');
      }
    });

    it('refuses a bad AUTOMX2_DB_URI in the environment the same way', () => {
      const result = results.get('env')!;
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(/^config error: environment: AUTOMX2_DB_URI = /);
    });

    it('refuses a file named by AUTOMX2_CONF that is missing or unreadable, in one line naming it', () => {
      expect(results.get('missing-conf')).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `config error: ${join(dir, 'missing.conf')}: cannot read (named by AUTOMX2_CONF): ENOENT: no such file or directory\n`,
      });
      expect(results.get('unreadable-conf')).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `config error: ${dir}: cannot read (named by AUTOMX2_CONF): EISDIR: illegal operation on a directory, read\n`,
      });
    });

    it.each(USAGE_ERRORS.map((args) => [args.join(' ')]))(
      'refuses the arguments %j with code 2 and a usage line',
      (key) => {
        const result = results.get(key)!;
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^usage: /);
      },
    );
  });

  describe('with a good configuration', () => {
    it('serves on --host/--port, then exits 0 on SIGTERM', async () => {
      const file = writeConfig(
        'good.conf',
        '[automx2]\nloglevel = WARNING\ndb_uri = sqlite:///:memory:\nhost = 0.0.0.0\nport = 1\n',
      );
      const port = await freePort();
      const running = run(['--host', '127.0.0.1', '--port', String(port)], {
        AUTOMX2_CONF: file,
      });
      await waitForStderr(
        running,
        new RegExp(`listening on http://127\\.0\\.0\\.1:${port}\\b`),
        30_000,
      );
      expect(running.stderr).toContain(`configuration from ${file}`);

      const url = `http://127.0.0.1:${port}`;
      const root = await request(url).get('/').expect(200);
      expect(String(root.headers['content-type'])).toMatch(/^text\/html/);
      await request(url).get('/mail/config-v1.1.xml?emailaddress=a%40example.com').expect(204);

      running.child.kill('SIGTERM');
      const result = await within(running.finished, 5_000);
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.stderr).toContain('SIGTERM');
      expect(result.stderr).not.toMatch(/\b(ERROR|CRITICAL)\b/);
    });

    it('reports the port it bound with --port 0, and stops on SIGINT', async () => {
      const running = run(['--host', '127.0.0.1', '--port', '0']);
      const [, port] = await waitForStderr(
        running,
        /listening on http:\/\/127\.0\.0\.1:(\d+)\b/,
        30_000,
      );
      expect(Number(port)).toBeGreaterThan(0);
      expect(running.stderr).toContain('no configuration file, using defaults');
      await request(`http://127.0.0.1:${port}`).get('/').expect(200);
      running.child.kill('SIGINT');
      expect(await within(running.finished, 5_000)).toMatchObject({ code: 0 });
    });
  });

  describe('version and build', () => {
    const readJson = (path: string) =>
      JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, string>;
    let version = '';
    let commit = '';
    let described = '';

    beforeAll(() => {
      // Written by the build (scripts/build-info.js), which the outer beforeAll ran.
      version = readJson('package.json').version!;
      commit = readJson('dist/build-info.json').commit!;
      described = `automx2-nest ${version} (commit ${commit}, Node.js ${process.version})`;
    });

    it('records the commit it was built from at build time', () => {
      const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (head.status !== 0) {
        expect(commit).toBe('unknown');
        return;
      }
      expect(commit).toMatch(new RegExp(`^${head.stdout.trim()}(-dirty)?$`));
    });

    it.each([['dist/main.js'], ['dist/cli.js']])(
      'node %s --version prints the version and the commit and exits 0',
      async (script) => {
        const child = spawn(process.execPath, [join(ROOT, script), '--version'], {
          cwd: ROOT,
          env: serverEnv(dir),
        });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        const code = await new Promise((resolve) => child.once('close', resolve));
        expect({ code, stdout }).toEqual({ code: 0, stdout: `${described}\n` });
      },
    );

    it('logs version and commit when listening, exports them, and starts and stops without a WARNING', async () => {
      const file = writeConfig('routine.conf', '[automx2]\ndb_uri = sqlite:///:memory:\n');
      const running = run(['--host', '127.0.0.1', '--port', '0'], { AUTOMX2_CONF: file });
      const [line, port] = await waitForStderr(
        running,
        /^.* listening on http:\/\/127\.0\.0\.1:(\d+)\n/m,
        30_000,
      );
      expect(line).toMatch(
        new RegExp(`^\\S+ INFO \\[Main\\] ${escapeRegExp(described)} listening on `),
      );
      const metrics = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
      expect(metrics.text).toContain(
        `automx2_build_info{version="${version}",commit="${commit}",node="${process.version}"} 1\n`,
      );
      running.child.kill('SIGTERM');
      const result = await within(running.finished, 5_000);
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.stderr).toMatch(/ INFO \[Main\] configuration from /);
      expect(result.stderr).toMatch(/ INFO \[Main\] SIGTERM: finishing in-flight requests/);
      expect(result.stderr).not.toMatch(/ (WARNING|ERROR|CRITICAL) /);
    });
  });
});
