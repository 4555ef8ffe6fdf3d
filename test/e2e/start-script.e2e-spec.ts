import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstPassOnly } from '../support/adapter-pass';
import { ensureBuilt, ROOT } from '../support/dist';

/**
 * `npm start` and scripts/start.js under a supervisor (issue 17, "Signals through
 * npm"): a SIGTERM to the process the supervisor started stops the server, and that
 * process ends with the server's exit status. dist/ is brought up to date first, so
 * start.js finds nothing to build. Independent of the HTTP adapter: the Express pass
 * of `npm test` skips this file.
 */

const describeOnce = firstPassOnly();
const WAIT_MS = 30_000;

interface Started {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly finished: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Process ids of the children of `pid` (every thread's list: Linux /proc). */
function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((task) => {
    try {
      return readFileSync(join(tasks, task, 'children'), 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** `pid` and every process below it. */
function treeOf(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(treeOf)];
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Whether `pid` is still a process (a zombie no longer counts). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeOnce('starting through scripts/start.js and npm start', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const started: Started[] = [];

  function start(command: string, args: readonly string[]): Started {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const result: Started = {
      child,
      stderr: () => stderr,
      finished: new Promise((resolve) => {
        child.once('close', (code, signal) => resolve({ code, signal }));
      }),
    };
    started.push(result);
    return result;
  }

  /** The pid of the process serving (the one running scripts/start.js), once it listens. */
  async function serverUnder(launched: Started): Promise<number> {
    await waitFor('listening', () =>
      /listening on http:/.test(launched.stderr()) ? true : undefined,
    );
    const pid = treeOf(launched.child.pid!).find((candidate) => {
      const [program, script] = commandOf(candidate).split(' ');
      return /(^|\/)node$/.test(program ?? '') && script?.endsWith('scripts/start.js');
    });
    if (pid === undefined) throw new Error('no process runs scripts/start.js');
    return pid;
  }

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'automx2-start-'));
    const file = join(dir, 'automx2.conf');
    writeFileSync(file, '[automx2]\ndb_uri = sqlite:///:memory:\n');
    env = { HOME: dir, AUTOMX2_CONF: file };
    for (const name of ['PATH', 'LANG', 'TZ']) {
      if (process.env[name] !== undefined) env[name] = process.env[name];
    }
  }, 200_000);

  afterAll(() => {
    for (const { child } of started) {
      for (const pid of child.pid === undefined ? [] : treeOf(child.pid).filter(alive)) {
        process.kill(pid, 'SIGKILL');
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('node scripts/start.js serves without rebuilding, reloads on SIGHUP and exits 0 on SIGTERM', async () => {
    const script = start(process.execPath, [
      join(ROOT, 'scripts', 'start.js'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ]);
    const server = await serverUnder(script);
    expect(script.stderr()).not.toContain('building dist/');
    script.child.kill('SIGHUP');
    await waitFor('the reload', () =>
      script.stderr().includes('SIGHUP: nothing changed') ? true : undefined,
    );
    script.child.kill('SIGTERM');
    expect(await script.finished).toEqual({ code: 0, signal: null });
    expect(script.stderr()).toContain('SIGTERM: finishing in-flight requests and shutting down');
    expect(alive(server)).toBe(false);
  });

  /**
   * scripts/start.js in a directory of its own whose dist/ is missing and whose
   * "TypeScript compiler" is `compiler` (a script that prints its pid and waits).
   */
  function fakeCheckout(name: string, compiler: string): string {
    const root = join(dir, name);
    for (const sub of ['scripts', 'src', 'migrations', 'node_modules/typescript/bin']) {
      mkdirSync(join(root, sub), { recursive: true });
    }
    for (const script of ['start.js', 'build-info.js']) {
      copyFileSync(join(ROOT, 'scripts', script), join(root, 'scripts', script));
    }
    writeFileSync(join(root, 'node_modules/typescript/package.json'), '{"name": "typescript"}');
    writeFileSync(join(root, 'node_modules/typescript/bin/tsc'), compiler);
    return root;
  }

  it.each([
    ['ends by the same signal when the compiler does', '', { code: null, signal: 'SIGTERM' }],
    [
      "exits with the compiler's exit code",
      "process.on('SIGTERM', () => process.exit(3));",
      { code: 3, signal: null },
    ],
  ])('while compiling, passes SIGTERM on to the compiler and %s', async (_what, handler, ended) => {
    const root = fakeCheckout(
      `compile-${String(ended.code)}`,
      [
        handler,
        'process.stderr.write(`compiler ${process.pid}\\n`);',
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    const script = start(process.execPath, [join(root, 'scripts', 'start.js')]);
    const compiler = await waitFor('the compiler', () => {
      const match = /compiler (\d+)\n/.exec(script.stderr());
      return match ? Number(match[1]) : undefined;
    });
    expect(script.stderr()).toContain('building dist/');
    script.child.kill('SIGTERM');
    expect(await script.finished).toEqual(ended);
    expect(alive(compiler)).toBe(false);
  });

  it('npm start under a supervisor: SIGTERM to npm stops the server, npm exits 0', async () => {
    const npm = start('npm', ['start', '--', '--host', '127.0.0.1', '--port', '0']);
    const server = await serverUnder(npm);
    const tree = treeOf(npm.child.pid!);
    // Only npm is signalled, as a supervisor that knows one main process does.
    npm.child.kill('SIGTERM');
    expect(await npm.finished).toEqual({ code: 0, signal: null });
    expect(npm.stderr()).toContain('SIGTERM: finishing in-flight requests and shutting down');
    expect(alive(server)).toBe(false);
    expect(tree.filter(alive)).toEqual([]);
  });
});
