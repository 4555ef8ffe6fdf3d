/**
 * A throwaway slapd per test file (test/support/slapd.sh), on free ports, with helpers to
 * simulate outages: pause/resume (SIGSTOP/SIGCONT: TCP is still accepted by the kernel,
 * nothing ever answers) and kill/restart (the process is gone, then back on the same
 * ports with the same data).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(__dirname, 'slapd.sh');

export interface SlapdInstance {
  readonly dir: string;
  readonly host: string;
  /** Plain LDAP (StartTLS capable). */
  readonly port: number;
  /** LDAPS. */
  readonly securePort: number;
  /** The CA that signed the server certificate (CN localhost, SAN localhost + 127.0.0.1). */
  readonly caFile: string;
  /** A CA that signed nothing this server uses. */
  readonly otherCaFile: string;
  readonly baseDn: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  /** The current slapd process id (changes on restart). */
  readonly pid: number;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** Two ports that were free a moment ago (the OS hands out ephemeral ports in turn). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            if (address && typeof address === 'object') resolve(address.port);
            else reject(new Error('no port'));
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function parseExports(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of stdout.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) values[name] = value;
  }
  return values;
}

function required(values: Record<string, string>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new Error(`slapd.sh did not print ${name}`);
  return value;
}

async function script(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run(SCRIPT, args, { env: { ...process.env, ...env }, timeout: 30_000 });
  return stdout;
}

class RunningSlapd implements SlapdInstance {
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  readonly securePort: number;
  readonly caFile: string;
  readonly otherCaFile: string;
  readonly baseDn: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  private currentPid: number;

  constructor(values: Record<string, string>) {
    this.dir = required(values, 'SLAPD_DIR');
    this.host = required(values, 'SLAPD_HOST');
    this.port = Number(required(values, 'SLAPD_PORT'));
    this.securePort = Number(required(values, 'SLAPDS_PORT'));
    this.caFile = required(values, 'LDAP_CA_FILE');
    this.otherCaFile = required(values, 'LDAP_OTHER_CA_FILE');
    this.baseDn = required(values, 'LDAP_BASE_DN');
    this.bindDn = required(values, 'LDAP_BIND_DN');
    this.bindPassword = required(values, 'LDAP_BIND_PW');
    this.currentPid = Number(required(values, 'SLAPD_PID'));
  }

  get pid(): number {
    return this.currentPid;
  }

  /** Stops slapd (SIGKILL: immediate; SIGTERM takes slapd 1-2 s) and removes its data. */
  async stop(): Promise<void> {
    await script(['stop', this.dir, 'KILL']);
  }

  /** Stops the process (it keeps accepting TCP but never answers) and waits until it is. */
  pause(): void {
    const pid = this.runningPid();
    process.kill(pid, 'SIGSTOP');
    const deadline = Date.now() + 2000;
    while (processState(pid) !== 'T' && Date.now() < deadline) {
      // Busy-wait: the signal is delivered within microseconds; this only closes the race.
    }
  }

  resume(): void {
    process.kill(this.runningPid(), 'SIGCONT');
  }

  /** The PID slapd wrote (it daemonizes), falling back to the one start reported. */
  private runningPid(): number {
    try {
      const pid = Number(readFileSync(join(this.dir, 'slapd.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : this.currentPid;
    } catch {
      return this.currentPid;
    }
  }

  async kill(): Promise<void> {
    await script(['kill', this.dir, 'KILL']);
  }

  /** Stops slapd if it runs (its connections close) and starts it again: same ports and data. */
  async restart(): Promise<void> {
    await script(['kill', this.dir, 'KILL']);
    const values = parseExports(await script(['start', this.dir]));
    this.currentPid = Number(required(values, 'SLAPD_PID'));
  }
}

/** The state letter of /proc/PID/stat (`T` = stopped), or '' when unknown. */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}

export interface SlapdOptions {
  /** Password of cn=readonly (default `readonly`); no quotes or spaces. */
  readonly bindPassword?: string;
}

/** Starts a fresh slapd on free ports (a few tries, in case a port was taken meanwhile). */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdInstance> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const [port, securePort] = await freePorts(2);
    const dir = await mkdtemp(join(tmpdir(), 'slapd-test.'));
    try {
      const stdout = await script([], {
        SLAPD_DIR: dir,
        SLAPD_PORT: String(port),
        SLAPDS_PORT: String(securePort),
        ...(options.bindPassword !== undefined && { LDAP_RO_PW: options.bindPassword }),
      });
      return new RunningSlapd(parseExports(stdout));
    } catch (error) {
      lastError = error;
      await script(['stop', dir, 'KILL']).catch(() => undefined);
    }
  }
  throw lastError;
}
