/**
 * A throwaway PostgreSQL cluster for fault tests: its own data directory, socket
 * directory and port, made with the installed server's `initdb` and driven with
 * `pg_ctl`, so a test can stop, kill and restart "the database" without touching the
 * machine's shared server. Trust authentication on 127.0.0.1 only.
 *
 * PostgreSQL refuses to run as root: when the tests run as root, every command runs as
 * the `postgres` user (runuser) in a directory that user owns.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './nginx';

const run = promisify(execFile);
const POSTGRES_USER = 'postgres';

/** The newest installed server's bin directory (Debian layout), or PG_BIN. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

export interface PgCluster {
  readonly port: number;
  /** Data, socket and log directory. */
  readonly dir: string;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` */
  readonly uri: (database?: string) => string;
  /** Starts the server and waits until it accepts connections. */
  readonly start: () => Promise<void>;
  /** Stops it: `fast` (clients disconnected, clean) or `immediate` (as if killed). */
  readonly stop: (mode?: 'fast' | 'immediate') => Promise<void>;
  /** Runs SQL as the superuser (the server must be running). */
  readonly sql: (statement: string, database?: string) => Promise<unknown[]>;
  /** Stops the server if it runs and removes every file. Safe to call twice. */
  readonly destroy: () => Promise<void>;
  /** The server log so far (for failure messages). */
  readonly log: () => string;
}

/** Creates (initdb) a cluster on a free port; not started. */
export async function createPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL server binaries not found (set PG_BIN)');
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'automx2-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const pg = (program: string, args: readonly string[], timeout = 60_000) => {
    const binary = join(bin, program);
    const [file, argv] = asRoot
      ? ['runuser', ['-u', POSTGRES_USER, '--', binary, ...args]]
      : [binary, [...args]];
    return run(file, argv, { cwd: dir, timeout, env: { ...process.env, LC_ALL: 'C' } });
  };
  await pg('initdb', [
    '-D',
    data,
    '-U',
    POSTGRES_USER,
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  let running = false;
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=60',
  ].join(' ');

  const uri = (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`;

  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    running = false;
  };

  const cluster: PgCluster = {
    port,
    dir,
    uri,
    start: async () => {
      if (running) return;
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '30', 'start']);
      running = true;
    },
    stop,
    sql: async (statement, database = 'postgres') => {
      const client = new Client({ connectionString: uri(database), connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        return (await client.query(statement)).rows as unknown[];
      } finally {
        await client.end();
      }
    },
    destroy: async () => {
      try {
        await stop('immediate');
      } catch {
        // Already gone: make sure no postmaster survives the directory.
        killPostmaster(data);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
  return cluster;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', POSTGRES_USER]),
    run('id', ['-g', POSTGRES_USER]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function killPostmaster(data: string): void {
  const pidFile = join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // not running
    }
  }
}
