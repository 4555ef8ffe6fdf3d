import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { describeError } from './bounded';

/** The CAs the TLS checks trust: the system's, plus the configured file. */
export interface Trust {
  readonly ca: readonly string[];
}

/** The system CAs plus `caFile` (throws when the file cannot be read). */
export function loadTrust(caFile: string | null): Trust {
  const extra = caFile === null ? [] : [readFileSync(caFile, 'utf8')];
  return { ca: [...rootCertificates, ...extra] };
}

/** A plain TCP connection to `address:port`, bounded by `timeoutMs`. */
export function openTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Errors after connecting surface through the readers; never unhandled.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(connectError(error)));
    });
  });
}

export interface Handshake {
  readonly socket: TLSSocket;
  /** node:tls's chain verification error, or null when the chain verified. */
  readonly authorizationError: string | null;
}

/**
 * A TLS handshake over `socket` (or a new connection to `address:port`), SNI = `host`,
 * the chain checked against `trust` but not enforced: the caller judges the
 * certificate. Bounded by `timeoutMs`.
 */
export function handshake(
  target: {
    readonly host: string;
    readonly address: string;
    readonly port: number;
    readonly socket?: Socket;
  },
  trust: Trust,
  timeoutMs: number,
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      ...(target.socket ? { socket: target.socket } : { host: target.address, port: target.port }),
      servername: isIP(target.host) ? undefined : target.host,
      ca: [...trust.ca],
      rejectUnauthorized: false,
      // The name is judged by certificateProblems; here only the chain.
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      const error = socket.authorizationError as unknown;
      resolve({
        socket,
        authorizationError: socket.authorized ? null : error ? describeTlsError(error) : 'unknown',
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`TLS handshake failed: ${describeError(error)}`));
    });
  });
}

function describeTlsError(error: unknown): string {
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : describeError(error);
}

function connectError(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return describeError(error);
}
