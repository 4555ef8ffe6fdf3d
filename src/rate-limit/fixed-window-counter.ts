import { ownedCopy } from '../common/owned-string';

export interface FixedWindowOptions {
  /** Requests allowed per window and key. */
  readonly limit: number;
  readonly windowMs: number;
  /** Most keys tracked at once; the oldest window is dropped to make room. */
  readonly maxKeys: number;
}

export type RateVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Window {
  count: number;
  readonly resetAt: number;
}

/**
 * Fixed-window request counter per key, in memory, bounded in size. A key's window
 * starts at its first request. Windows are kept in the order they started, which is
 * also the order they end (all have the same length), so expired ones are dropped from
 * the front as new windows start; when `maxKeys` windows are still open, the oldest is
 * dropped (that client simply starts afresh).
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: FixedWindowOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`. */
  hit(key: string): RateVerdict {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      this.windows.delete(key);
      this.dropExpired(now);
      if (this.windows.size >= this.options.maxKeys) this.dropOldest();
      window = { count: 0, resetAt: now + this.options.windowMs };
      // An owned copy: a key cut from a request header would keep the whole header alive.
      this.windows.set(ownedCopy(key), window);
    }
    window.count += 1;
    if (window.count <= this.options.limit) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  }

  /**
   * What the next hit for `key` would be told, without counting anything: lets a caller
   * refuse early and count only some requests (the admin API counts failed logins).
   */
  peek(key: string): RateVerdict {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now || window.count < this.options.limit) {
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  }

  /** Keys with an open window (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  private dropExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt > now) return;
      this.windows.delete(key);
    }
  }

  private dropOldest(): void {
    const oldest = this.windows.keys().next();
    if (oldest.done !== true) this.windows.delete(oldest.value);
  }
}
