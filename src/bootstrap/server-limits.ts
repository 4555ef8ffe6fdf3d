import type { ServerOptions } from 'node:http';

/**
 * Connection limits of the HTTP server (both adapters): a client that sends half a
 * request is cut off within 13 s (the longer of the two request timeouts plus one
 * check interval), idle keep-alive connections are closed, and headers are bounded in
 * size and count. test/hostile/limits.e2e-spec.ts proves each on real sockets.
 */
export const SERVER_LIMITS = {
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: 12_000,
  /** Headers must arrive within this. */
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above (its default is 30 s). */
  connectionsCheckingIntervalMs: 1_000,
  maxHeaderSize: 16 * 1024,
  /** More header fields than this get 431. */
  maxHeadersCount: 100,
} as const;

/**
 * Options for `http.createServer`. The check interval can only be given here, at
 * creation. Node keeps one field more than the limit, so that a request with too many
 * can be told apart from one with exactly the limit (see tooManyHeaders).
 */
export const HTTP_SERVER_OPTIONS: ServerOptions = {
  maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
  connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingIntervalMs,
  headersTimeout: SERVER_LIMITS.headersTimeoutMs,
  requestTimeout: SERVER_LIMITS.requestTimeoutMs,
  keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
};

/** Node's own `maxHeadersCount` for the server (one above the limit: see tooManyHeaders). */
export const NODE_MAX_HEADERS_COUNT = SERVER_LIMITS.maxHeadersCount + 1;

/** Whether a request (Node's `rawHeaders`: name, value, name, …) has too many header fields. */
export function tooManyHeaders(rawHeaders: readonly string[]): boolean {
  return rawHeaders.length / 2 > SERVER_LIMITS.maxHeadersCount;
}

export const TOO_MANY_HEADERS_STATUS = 431;
export const TOO_MANY_HEADERS_MESSAGE = 'Too many header fields';
