import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DIST_MAIN, ensureBuilt, ROOT } from '../support/dist';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';
import { listenForNotify } from '../support/notify-socket';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { defaultTestAdapter } from '../support/test-app';

/**
 * `workers = 2` (node:cluster) with the compiled server: `node dist/main.js` becomes a
 * primary with two worker processes that share the port and a file SQLite database.
 * The workers listen through the configured HTTP adapter, so the suite runs on both.
 */

const ADAPTER = defaultTestAdapter();
const WORKER_SCRIPT = 'cluster-worker.js';
const HANG_BOUND_MS = 30_000;
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=someone%40example.com';

/** Process ids of the children of `pid` (every thread's list: Linux /proc). */
function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  const children = readdirSync(tasks).flatMap((task) => {
    try {
      return readFileSync(join(tasks, task, 'children'), 'utf8')
        .trim()
        .split(/\s+/);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
  return [...new Set(children.filter(Boolean).map(Number))].sort((a, b) => a - b);
}

/** Whether `pid` is a running (not zombie) worker process of this server. */
function isWorker(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return state !== 'Z' && command.includes(WORKER_SCRIPT);
  } catch {
    return false;
  }
}

/** Repeats `probe` until it returns a value; fails after the hang bound. */
async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + HANG_BOUND_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with how the process ended; rejects after the hang bound. */
async function ended<T>(exited: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      exited,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('still running')), HANG_BOUND_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `count` requests, each on a new connection (the primary hands them out in turn). */
async function statuses(url: string, path: string, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) {
    result.push((await request(url).get(path).set('Connection', 'close')).status);
  }
  return result;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

interface Spawned {
  readonly child: ChildProcess;
  readonly file: string;
  readonly stderr: () => string;
  readonly finished: Promise<Finished>;
}

describe(`workers = 2 (node:cluster) on ${ADAPTER}`, () => {
  let dir: string;
  const spawned: ChildProcess[] = [];

  /** `node dist/main.js ARGS` with `[automx2]` lines in its own file. */
  function spawnServer(
    name: string,
    lines: readonly string[],
    args: readonly string[] = ['--host', '127.0.0.1', '--port', '0'],
    extraEnv: NodeJS.ProcessEnv = {},
  ): Spawned {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, ['[automx2]', `http_adapter = ${ADAPTER}`, ...lines, ''].join('\n'));
    const env: NodeJS.ProcessEnv = { HOME: dir, AUTOMX2_CONF: file, ...extraEnv };
    for (const key of ['PATH', 'LANG', 'TZ']) {
      if (process.env[key] !== undefined) env[key] = process.env[key];
    }
    const child = spawn(process.execPath, [DIST_MAIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    spawned.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // 'close': the exit, and every process holding the stderr pipe (workers) gone too.
    const finished = new Promise<Finished>((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal, stderr }));
    });
    return { child, file, stderr: () => stderr, finished };
  }

  /** Runs the server until it exits by itself. */
  async function runUntilExit(
    name: string,
    lines: readonly string[],
    args?: readonly string[],
  ): Promise<Finished & { readonly file: string }> {
    const server = spawnServer(name, lines, args);
    return { ...(await ended(server.finished)), file: server.file };
  }

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'automx2-workers-'));
  }, 200_000);

  afterAll(() => {
    for (const child of spawned) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('serving', () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await startServerProcess({
        workers: '2',
        db_uri: `sqlite:///${join(dir, 'automx2.sqlite')}`,
        http_adapter: ADAPTER,
        loglevel: 'INFO',
      });
    }, 60_000);

    afterAll(async () => {
      for (const pid of server ? childrenOf(server.child.pid!) : []) {
        if (isWorker(pid)) process.kill(pid, 'SIGKILL');
      }
      await server?.destroy();
    });

    it('announces one address for its workers and answers from the shared database', async () => {
      expect(server.stderr()).toMatch(
        new RegExp(`listening on http://127\\.0\\.0\\.1:${server.port} with 2 workers\\n`),
      );
      // Only the primary announces the address (and would tell systemd).
      expect(server.stderr().match(/listening on http/g)).toHaveLength(1);
      await request(server.url).get('/').expect(200);
      await request(server.url).get('/initdb/').expect(200);
      expect(await statuses(server.url, AUTOCONFIG, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    });

    it('lets concurrent /initdb/ writes of both workers wait for each other (issue 14, L2)', async () => {
      const logged = server.stderr().length;
      // Each on a new connection: the primary hands them to the workers in turn.
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 === 0
            ? request(server.url).delete('/initdb/')
            : request(server.url)
                .post('/initdb/')
                .set('Content-Type', 'application/json')
                .send(SEED_EXAMPLE_JSON)
          ).set('Connection', 'close'),
        ),
      );
      // The workers write their access lines after each answer, through a pipe: wait
      // until all 16 have been read (or 10 s) before looking at them.
      const accessLines = () =>
        server
          .stderr()
          .slice(logged)
          .match(/(POST|DELETE) \/initdb \d{3}/g)?.length ?? 0;
      for (let waited = 0; accessLines() < answers.length && waited < 10_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const log = server.stderr().slice(logged);
      expect(answers.map((answer) => `${answer.status} ${answer.text.slice(0, 80)}`)).toEqual(
        answers.map((answer) => `200 ${answer.text.slice(0, 80)}`),
      );
      for (const worker of [1, 2]) {
        expect(log).toMatch(new RegExp(`\\[worker ${worker}\\] .*(POST|DELETE) /initdb 200`));
      }
      expect(log).not.toMatch(/database is locked|database unavailable|reachable again/);
      // The sample data again, for the tests below.
      await request(server.url).delete('/initdb/').expect(200);
      await request(server.url).get('/initdb/').expect(200);
    });

    it('runs two workers as children of the primary; a killed one is replaced', async () => {
      const primary = server.child.pid!;
      const workers = childrenOf(primary);
      expect(workers).toHaveLength(2);
      expect(workers.filter(isWorker)).toEqual(workers);
      expect(server.stderr()).toMatch(/\[worker 1\] /);
      expect(server.stderr()).toMatch(/\[worker 2\] /);

      const [killed, survivor] = workers as [number, number];
      process.kill(killed, 'SIGKILL');
      const replacement = await waitFor('a replacement worker', () => {
        const now = childrenOf(primary).filter(isWorker);
        const fresh = now.filter((pid) => pid !== survivor && pid !== killed);
        const listening = fresh.find((pid) =>
          server.stderr().includes(`(pid ${pid}) listening (replacement)`),
        );
        return now.length === 2 && now.includes(survivor) && listening !== undefined
          ? listening
          : undefined;
      });
      expect(server.stderr()).toContain(`(pid ${killed}) exited unexpectedly (signal SIGKILL)`);
      expect(isWorker(killed)).toBe(false);
      expect(childrenOf(primary)).toEqual([survivor, replacement].sort((a, b) => a - b));
      expect(await statuses(server.url, AUTOCONFIG, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    });

    it('passes SIGHUP on to the workers, which reload and keep serving', async () => {
      const workers = childrenOf(server.child.pid!);
      const from = server.stderr().length;
      server.child.kill('SIGHUP');
      const log = await waitFor('both workers reloading', () => {
        const written = server.stderr().slice(from);
        return written.match(/\[worker \d+\] \[Reload\] SIGHUP: nothing changed\n/g)?.length === 2
          ? written
          : undefined;
      });
      expect(log).toMatch(/INFO \[Cluster\] SIGHUP: passed on to 2 workers\n/);
      expect(childrenOf(server.child.pid!)).toEqual(workers);
      expect(await statuses(server.url, AUTOCONFIG, 4)).toEqual([200, 200, 200, 200]);
    });

    it('stops every worker on SIGTERM and exits 0', async () => {
      const workers = childrenOf(server.child.pid!);
      expect(workers).toHaveLength(2);
      server.child.kill('SIGTERM');
      expect(await ended(server.exited)).toEqual({ code: 0, signal: null });
      expect(workers.filter(isWorker)).toEqual([]);
      // Each worker shut down gracefully, as a single process does.
      for (const pid of workers) {
        const [, id] = new RegExp(`worker (\\d+) \\(pid ${pid}\\) started`).exec(server.stderr())!;
        expect(server.stderr()).toContain(
          `[worker ${id}] [Main] SIGTERM: finishing in-flight requests and shutting down`,
        );
      }
      expect(server.stderr()).toContain('all workers stopped');
    });
  });

  it('tells systemd it is ready from the primary only', async () => {
    const listener = await listenForNotify(join(dir, 'notify.sock'));
    try {
      const server = spawnServer(
        'notify',
        ['workers = 2', `db_uri = sqlite:///${join(dir, 'notify.sqlite')}`],
        undefined,
        { NOTIFY_SOCKET: join(dir, 'notify.sock') },
      );
      const primary = new RegExp(`MAINPID=${server.child.pid}\\b`);
      const isReady = (message: string) => message.includes('READY=1');
      await waitFor('READY=1 from the primary', () =>
        listener.messages.some((message) => isReady(message) && primary.test(message))
          ? true
          : undefined,
      );
      server.child.kill('SIGTERM');
      expect(await ended(server.finished)).toMatchObject({ code: 0, signal: null });
      // A worker notifying would have sent its own pid, right after it listened.
      const ready = listener.messages.filter(isReady);
      expect(ready).toHaveLength(1);
      expect(ready[0]).toMatch(primary);
    } finally {
      listener.child.kill('SIGKILL');
    }
  });

  describe('refusing to start', () => {
    it('refuses workers = 2 with the in-memory default database, before forking', async () => {
      const result = await runUntilExit('memory', ['workers = 2']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `config error: ${result.file}: workers = "2": each worker would have its own, empty ` +
          'in-memory SQLite database; set db_uri (or AUTOMX2_DB_URI) to a SQLite file or a ' +
          'database server, or use workers = 1',
      ]);
    });

    it('refuses signing files it cannot use before forking, as one process does', async () => {
      // The start-up checks of startup-checks.ts, which read the signing files.
      const result = await runUntilExit('signing', [
        'workers = 2',
        `db_uri = sqlite:///${join(dir, 'signing.sqlite')}`,
        `mobileconfig_sign_cert = ${join(dir, 'missing-cert.pem')}`,
        `mobileconfig_sign_key = ${join(dir, 'missing-key.pem')}`,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^config error: .*mobileconfig_sign_cert = .*: cannot read: ENOENT/),
        expect.stringMatching(/^config error: .*mobileconfig_sign_key = .*: cannot read: ENOENT/),
      ]);
      // No worker was forked.
      expect(result.stderr).not.toMatch(/\[Cluster\]|\[worker \d+\]|listening on http/);
    });

    it('gives up with exit code 1 when its workers cannot listen', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const address = blocker.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      try {
        const result = await runUntilExit(
          'port-in-use',
          ['workers = 2', `db_uri = sqlite:///${join(dir, 'port.sqlite')}`],
          ['--host', '127.0.0.1', '--port', String(address.port)],
        );
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('EADDRINUSE');
        expect(result.stderr).toMatch(
          /\[Cluster\] worker \d+ \(pid \d+\) exited \(exit code 1\); 3 workers in a row exited before they listened: giving up/,
        );
        expect(result.stderr).not.toContain('listening on http');
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });
});
