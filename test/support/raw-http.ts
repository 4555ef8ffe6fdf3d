/**
 * HTTP over a bare TCP socket (node:net) for the requests no HTTP client sends: half a
 * request, raw bytes in the request line and headers (NUL, CR/LF, invalid UTF-8),
 * unknown methods, odd paths sent exactly as written. Responses are parsed just enough
 * to check status lines and header lines byte for byte.
 */
import { connect, type Socket } from 'node:net';

export interface RawTarget {
  readonly host: string;
  readonly port: number;
}

/** How a raw exchange ended. */
export type RawEnding = 'closed' | 'reset' | 'timeout';

export interface RawExchange {
  /** Every byte the server sent. */
  readonly data: Buffer;
  readonly ending: RawEnding;
  /** From connecting to the end (close, reset or our timeout). */
  readonly elapsedMs: number;
}

export interface RawResponse {
  readonly statusCode: number;
  readonly statusLine: string;
  /** Header lines as sent (latin1), in order. */
  readonly headerLines: readonly string[];
  /** Lower-cased header name → values. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: Buffer;
}

/** The target of an app's base URL (`http://127.0.0.1:1234`). */
export function targetOf(url: string): RawTarget {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) };
}

export interface ExchangeOptions {
  /** Give up (and destroy the socket) after this; the ending is then 'timeout'. */
  readonly timeoutMs?: number;
  /** Half-close our side after writing (the server sees end of input). Default false. */
  readonly endAfterWrite?: boolean;
  /**
   * Stop as soon as this many complete responses arrived (the server may keep the
   * connection open). Default: wait for the server to close.
   */
  readonly responses?: number;
  /** Local address to connect from. */
  readonly localAddress?: string;
}

/** Whether the request is a HEAD (its answers carry headers only). */
function isHead(chunks: readonly (string | Buffer)[]): boolean {
  const first = chunks[0];
  if (first === undefined) return false;
  return (typeof first === 'string' ? first : first.toString('latin1', 0, 5)).startsWith('HEAD ');
}

/** Writes `request` (as raw bytes) and collects everything until close, reset or timeout. */
export function rawExchange(
  target: RawTarget,
  request: string | Buffer | readonly (string | Buffer)[],
  options: ExchangeOptions = {},
): Promise<RawExchange> {
  const chunks = (Array.isArray(request) ? request : [request]) as readonly (string | Buffer)[];
  const bodiless = isHead(chunks);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let settled = false;
    const socket: Socket = connect({
      host: target.host,
      port: target.port,
      ...(options.localAddress !== undefined && { localAddress: options.localAddress }),
    });
    const finish = (ending: RawEnding) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(received), ending, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      for (const chunk of chunks) {
        socket.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
      }
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (options.responses !== undefined) {
        try {
          if (parseResponses(Buffer.concat(received), bodiless).length >= options.responses) {
            finish('closed');
          }
        } catch {
          // incomplete: wait for more
        }
      }
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (received.length === 0 && error.code === 'ECONNREFUSED') {
        settled = true;
        clearTimeout(timer);
        reject(error);
        return;
      }
      finish('reset');
    });
  });
}

/** One request over a fresh connection (`Connection: close` is the caller's business). */
export async function rawRequest(
  target: RawTarget,
  request: string | Buffer,
  options: ExchangeOptions = {},
): Promise<RawResponse> {
  const exchange = await rawExchange(target, request, { responses: 1, ...options });
  const [response] = parseResponses(exchange.data, isHead([request]));
  if (response === undefined) {
    throw new Error(
      `no complete response (${exchange.ending}): ${exchange.data.toString('latin1')}`,
    );
  }
  return response;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Every complete response in `data` (Content-Length, chunked, or no body for 1xx,
 * 204 and 304, or every one when `bodiless`, for HEAD). Throws when the last one is
 * incomplete.
 */
export function parseResponses(data: Buffer, bodiless = false): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < data.length) {
    const headEnd = data.indexOf(HEADER_END, offset);
    if (headEnd < 0) throw new Error('incomplete response head');
    const lines = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!status) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const statusCode = Number(status[1]);
    const headerLines = lines.slice(1);
    const headers = new Map<string, string[]>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = (colon < 0 ? line : line.slice(0, colon)).toLowerCase();
      const value = colon < 0 ? '' : line.slice(colon + 1).trim();
      headers.set(name, [...(headers.get(name) ?? []), value]);
    }
    let bodyStart = headEnd + HEADER_END.length;
    let body: Buffer;
    const length = headers.get('content-length')?.[0];
    const chunked = /chunked/i.test(headers.get('transfer-encoding')?.[0] ?? '');
    if (bodiless || statusCode < 200 || statusCode === 204 || statusCode === 304) {
      body = Buffer.alloc(0);
    } else if (chunked) {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeEnd = data.indexOf(CRLF, bodyStart);
        if (sizeEnd < 0) throw new Error('incomplete chunk size');
        const size = parseInt(data.subarray(bodyStart, sizeEnd).toString('latin1'), 16);
        const start = sizeEnd + CRLF.length;
        if (data.length < start + size + CRLF.length) throw new Error('incomplete chunk');
        parts.push(data.subarray(start, start + size));
        bodyStart = start + size + CRLF.length;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else if (length !== undefined) {
      const size = Number(length);
      if (data.length < bodyStart + size) throw new Error('incomplete body');
      body = data.subarray(bodyStart, bodyStart + size);
      bodyStart += size;
    } else {
      // Read until close.
      body = data.subarray(bodyStart);
      bodyStart = data.length;
    }
    responses.push({ statusCode, statusLine, headerLines, headers, body });
    offset = bodyStart;
  }
  return responses;
}
