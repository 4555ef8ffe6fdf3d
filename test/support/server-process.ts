/**
 * The compiled server (`node dist/main.js`) as a child process with a configuration
 * file of the test's own, for tests about the process itself: start-up without a
 * database, crashes, signals. Call ensureBuilt() (test/support/dist.ts) first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './dist';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything written to stderr so far. */
  readonly stderr: () => string;
  /** Everything written to stdout so far (the server logs to stderr only). */
  readonly stdout: () => string;
  readonly exited: Promise<ProcessExit>;
  /** Whether the process is still running. */
  readonly running: () => boolean;
  /** SIGKILL if still running, then removes the temp directory. Safe to call twice. */
  readonly destroy: () => Promise<void>;
}

export interface ServerProcessOptions {
  /**
   * An installation to run instead of the checkout (an unpacked release): its
   * dist/main.js, with the installation as the working directory.
   */
  readonly root?: string;
}

/**
 * Starts the server on 127.0.0.1 and a free port with `[automx2]` keys from `config`
 * (one `key = value` per entry) and waits until it listens.
 */
export async function startServerProcess(
  config: Readonly<Record<string, string>>,
  timeoutMs = 30_000,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'automx2-server-'));
  const file = join(dir, 'automx2.conf');
  const lines = Object.entries(config).map(([key, value]) => `${key} = ${value}`);
  writeFileSync(file, `[automx2]\n${lines.join('\n')}\n`);
  const env: NodeJS.ProcessEnv = { HOME: dir, AUTOMX2_CONF: file };
  for (const name of ['PATH', 'LANG', 'TZ']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  const root = options.root ?? ROOT;
  const main = join(root, 'dist', 'main.js');
  const child = spawn(process.execPath, [main, '--host', '127.0.0.1', '--port', '0'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let alive = true;
  const exited = new Promise<ProcessExit>((resolve) => {
    // 'close', not 'exit': only then has all of stderr been read.
    child.once('close', (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  const destroy = async () => {
    if (alive) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\b/.exec(stderr);
    if (match) {
      const port = Number(match[1]);
      return {
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        stderr: () => stderr,
        stdout: () => stdout,
        exited,
        running: () => alive,
        destroy,
      };
    }
    if (!alive || Date.now() > deadline) {
      await destroy();
      throw new Error(`server did not start (${alive ? 'timeout' : 'exited'}):\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
