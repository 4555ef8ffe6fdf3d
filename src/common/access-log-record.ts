import { LogRecord, type LogFieldValue } from './log-record';

/** What the access log says about one answered request. */
export interface AccessLogFields {
  readonly method: string;
  /** The route pattern the request matched (`/autodiscover/autodiscover.json/v1.0/:address`). */
  readonly route: string;
  readonly status: number;
  /** Milliseconds from the interceptor to the last byte handed to the socket, 0.1 ms steps. */
  readonly ms: number;
  /** The client address (proxy-aware), or `unknown`. */
  readonly client: string;
  /** The lower-cased domain the request asked about, when it named a valid one. */
  readonly domain: string | undefined;
}

/**
 * The access log's line: the fields of a JSON line, or
 * `client METHOD route status 1.2ms domain=example.com` as text.
 */
export class AccessLogRecord extends LogRecord {
  constructor(private readonly entry: AccessLogFields) {
    super();
  }

  fields(): Readonly<Record<string, LogFieldValue>> {
    const { method, route, status, ms, client, domain } = this.entry;
    return { method, route, status, ms, client, domain };
  }

  text(): string {
    const { method, route, status, ms, client, domain } = this.entry;
    const line = `${client} ${method} ${route} ${status} ${ms.toFixed(1)}ms`;
    return domain === undefined ? line : `${line} domain=${domain}`;
  }
}

/** Milliseconds since `started` (a performance.now() value), rounded to 0.1 ms. */
export function elapsedMs(started: number, now: number = performance.now()): number {
  return Math.round((now - started) * 10) / 10;
}
