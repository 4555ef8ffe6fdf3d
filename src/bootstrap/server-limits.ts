/**
 * Connection limits of the HTTP server (both adapters): a client that sends half a
 * request is cut off well within 30 s, idle keep-alive connections are closed, and
 * headers are bounded in size and count.
 */
export const SERVER_LIMITS = {
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: 15_000,
  /** Headers must arrive within this. */
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above (its default is 30 s). */
  connectionsCheckingIntervalMs: 2_000,
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
} as const;
