import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ROOT } from './dist';

/**
 * A private nginx for tests (the Debian package's binary): its own prefix directory
 * with the configuration, pid file, logs and temp directories, so it needs no root
 * and touches nothing of a system nginx. Also turns contrib/nginx/automx2.conf into
 * test configurations.
 */

export const NGINX_BINARY = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';
export const CONTRIB_NGINX_CONF = join(ROOT, 'contrib', 'nginx', 'automx2.conf');

/** A prefix directory for one nginx instance. */
export function createNginxPrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'automx2-nginx-'));
  for (const dir of ['logs', 'temp']) mkdirSync(join(prefix, dir));
  return prefix;
}

/** A complete nginx.conf around http-level directives, with every path inside `prefix`. */
export function nginxMainConfig(prefix: string, http: string): string {
  const temp = join(prefix, 'temp');
  return `worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events {
    worker_connections 256;
}
http {
    access_log ${join(prefix, 'logs', 'access.log')};
    client_body_temp_path ${temp}/client_body;
    proxy_temp_path ${temp}/proxy;
    fastcgi_temp_path ${temp}/fastcgi;
    uwsgi_temp_path ${temp}/uwsgi;
    scgi_temp_path ${temp}/scgi;
${indent(http, 4)}
}
`;
}

/** `nginx -t` on a configuration; `ok` false with nginx's output otherwise. */
export function nginxConfigTest(prefix: string, config: string): { ok: boolean; output: string } {
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config);
  const result = spawnSync(NGINX_BINARY, nginxArgs(prefix, ['-t']), {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface RunningNginx {
  readonly prefix: string;
  /** The error log so far (for failure messages). */
  readonly errorLog: () => string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts nginx in the foreground (`-g 'daemon off;'`) as a child process and waits until
 * every port in `ports` accepts connections.
 */
export async function startNginx(
  prefix: string,
  config: string,
  ports: readonly number[],
): Promise<RunningNginx> {
  writeFileSync(join(prefix, 'nginx.conf'), config);
  const child = spawn(NGINX_BINARY, nginxArgs(prefix, ['-g', 'daemon off;']), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const errorLog = () => {
    let log = '';
    try {
      log = readFileSync(join(prefix, 'logs', 'error.log'), 'utf8');
    } catch {
      // not written yet
    }
    return `${stderr}${log}`;
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await Promise.race([
      Promise.all(ports.map((port) => waitForPort(port, 10_000))),
      exited.then((code) => {
        throw new Error(`nginx exited with ${code}: ${errorLog()}`);
      }),
    ]);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  return {
    prefix,
    errorLog,
    stop: () => stopChild(child, exited),
  };
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Writes a self-signed certificate and key for `names` (PEM) into `dir`. */
export function writeSelfSignedCertificate(
  dir: string,
  names: readonly string[],
): { certificate: string; key: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: names[0] ?? 'localhost' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(certificate, forge.pki.certificateToPem(cert));
  writeFileSync(key, keyPem, { mode: 0o600 });
  return { certificate, key };
}

/** The parts of contrib/nginx/automx2.conf: its `upstream` block and its `server` block. */
export interface ContribNginx {
  readonly upstream: string;
  readonly server: string;
}

export function readContribNginx(text = readFileSync(CONTRIB_NGINX_CONF, 'utf8')): ContribNginx {
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const upstream = /^upstream automx2 \{\n[\s\S]*?^\}\n/m.exec(body)?.[0];
  const server = /^server \{\n[\s\S]*?^\}\n/m.exec(body)?.[0];
  if (upstream === undefined || server === undefined) {
    throw new Error(`${CONTRIB_NGINX_CONF}: expected an "upstream automx2" and a "server" block`);
  }
  return { upstream, server };
}

/** The upstream block with its `server` lines replaced by `addresses` (host:port). */
export function withUpstreamServers(upstream: string, addresses: readonly string[]): string {
  const lines = upstream.split('\n');
  const first = lines.findIndex((line) => /^\s+server\s/.test(line));
  if (first < 0) throw new Error('upstream block without a server line');
  const options = /^\s+server\s+\S+(.*);$/.exec(lines[first] ?? '')?.[1] ?? '';
  const servers = addresses.map((address) => `    server ${address}${options};`);
  return [
    ...lines.slice(0, first),
    ...servers,
    ...lines.slice(first).filter((line) => !/^\s+server\s/.test(line)),
  ].join('\n');
}

export interface ServerAdaptation {
  /** Replace the plain `listen` lines (e.g. ['127.0.0.1:8080']). */
  readonly listen: readonly string[];
  /** 'strip' drops the TLS listeners and ssl_* lines; otherwise where TLS listens and with what. */
  readonly tls:
    | 'strip'
    | { readonly listen: readonly string[]; readonly certificate: string; readonly key: string };
  /** Drop the allow/deny lines (to show what the application does on its own). */
  readonly withoutAccessRules?: boolean;
}

/**
 * The server block adapted to a test: listen addresses, certificates, access rules.
 * Throws when the block lacks what it adapts, so that a changed sample fails loudly.
 */
export function adaptServer(server: string, adaptation: ServerAdaptation): string {
  const { tls } = adaptation;
  const out: string[] = [];
  const seen = { plain: false, tls: false, certificate: false, rules: false };
  for (const line of server.split('\n')) {
    const trimmed = line.trim();
    const [directive = ''] = trimmed.split(/\s+/);
    if (directive === 'listen') {
      const kind = /\sssl\b/.test(trimmed) ? 'tls' : 'plain';
      if (!seen[kind]) {
        const addresses = kind === 'plain' ? adaptation.listen : tls === 'strip' ? [] : tls.listen;
        const suffix = kind === 'tls' ? ' ssl' : '';
        out.push(...addresses.map((address) => `    listen ${address}${suffix};`));
      }
      seen[kind] = true;
      continue;
    }
    if (directive.startsWith('ssl_')) {
      if (directive === 'ssl_certificate') seen.certificate = true;
      if (tls === 'strip') continue;
      if (directive === 'ssl_certificate' || directive === 'ssl_certificate_key') {
        const file = directive === 'ssl_certificate' ? tls.certificate : tls.key;
        out.push(`    ${directive} ${file};`);
        continue;
      }
    }
    if (directive === 'allow' || directive === 'deny') {
      seen.rules = true;
      if (adaptation.withoutAccessRules) continue;
    }
    out.push(line);
  }
  const missing = Object.entries(seen)
    .filter(([, found]) => !found)
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`server block lacks: ${missing.join(', ')}`);
  return out.join('\n');
}

function nginxArgs(prefix: string, extra: readonly string[]): string[] {
  return [
    '-p',
    `${prefix}/`,
    '-c',
    join(prefix, 'nginx.conf'),
    '-e',
    join(prefix, 'logs', 'error.log'),
    ...extra,
  ];
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Removes a prefix directory (after the instance stopped). */
export function removeNginxPrefix(prefix: string): void {
  rmSync(prefix, { recursive: true, force: true });
}
