/**
 * A throwaway Dovecot (Debian's dovecot-imapd, -pop3d, -submissiond) for the live doctor
 * tests: its own configuration, run and state directories and log in a temporary
 * directory, listening on 127.0.0.1 on free ports with IMAP (STARTTLS), IMAPS, POP3
 * (STARTTLS), POP3S, submission (STARTTLS) and submissions (implicit TLS), serving the
 * certificate it is given. Started in the foreground (`dovecot -F -c <conf>`); as root it
 * runs its internal and login processes as the Debian package's `dovecot`/`dovenull`
 * users, otherwise everything runs as the current user without chroot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotPorts {
  readonly imap: number;
  readonly imaps: number;
  readonly pop3: number;
  readonly pop3s: number;
  readonly submission: number;
  readonly submissions: number;
}

export interface DovecotInstance {
  readonly dir: string;
  readonly ports: DovecotPorts;
  /** The log, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/** Ports that were free a moment ago (held together so that they differ). */
export async function freePorts(count: number): Promise<number[]> {
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function configuration(dir: string, ports: DovecotPorts, cert: string, key: string): string {
  const root = process.getuid?.() === 0;
  const user = root ? 'dovecot' : userInfo().username;
  const loginUser = root ? 'dovenull' : user;
  // Without root no chroot is possible; as root the login processes keep Dovecot's default.
  const chroot = root ? '' : '  chroot =\n';
  const listener = (name: string, port: number, ssl: boolean) =>
    `  inet_listener ${name} {\n    port = ${port}\n${ssl ? '    ssl = yes\n' : ''}  }\n`;
  return [
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    'instance_name = automx2-doctor-test',
    `log_path = ${join(dir, 'dovecot.log')}`,
    'protocols = imap pop3 submission',
    'listen = 127.0.0.1',
    'ssl = yes',
    `ssl_cert = <${cert}`,
    `ssl_key = <${key}`,
    'ssl_dh = </usr/share/dovecot/dh.pem',
    `default_internal_user = ${user}`,
    `default_internal_group = ${root ? 'dovecot' : user}`,
    `default_login_user = ${loginUser}`,
    'auth_mechanisms = plain',
    'passdb {\n  driver = static\n  args = password=doctor-test\n}',
    `userdb {\n  driver = static\n  args = uid=${user} gid=${root ? 'dovecot' : user} home=${join(dir, 'mail', '%u')}\n}`,
    `mail_location = maildir:${join(dir, 'mail', '%u')}`,
    // Submission needs a relay; nothing is ever submitted.
    'submission_relay_host = 127.0.0.1',
    'submission_relay_port = 9',
    `service imap-login {\n${listener('imap', ports.imap, false)}${listener('imaps', ports.imaps, true)}${chroot}}`,
    `service pop3-login {\n${listener('pop3', ports.pop3, false)}${listener('pop3s', ports.pop3s, true)}${chroot}}`,
    `service submission-login {\n${listener('submission', ports.submission, false)}${listener('submissions', ports.submissions, true)}${chroot}}`,
    ...(root
      ? []
      : ['service anvil {\n  chroot =\n}', 'service imap-urlauth-login {\n  chroot =\n}']),
    '',
  ].join('\n');
}

/** Starts Dovecot with `cert`/`key` (PEM files) and waits until every port accepts. */
export async function startDovecot(cert: string, key: string): Promise<DovecotInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'automx2-dovecot-'));
  // Dovecot's unprivileged processes (as root: dovecot, dovenull) must reach the run directory.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const [imap, imaps, pop3, pop3s, submission, submissions] = await freePorts(6);
  const ports = { imap, imaps, pop3, pop3s, submission, submissions } as DovecotPorts;
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, configuration(dir, ports, cert, key));
  const log = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  let output = '';
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await Promise.all(Object.values(ports).map((port: number) => accepts(port)));
    if (ready.every(Boolean)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const message = `dovecot did not start: ${output}\n${log()}`;
      await stop();
      throw new Error(message);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { dir, ports, log, stop };
}
