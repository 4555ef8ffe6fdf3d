import { FixedWindowCounter } from '../../rate-limit/fixed-window-counter';

/** Failed authentications are counted per client over this long. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Most clients tracked at once (about 100 bytes each), as the rate limit's. */
const MAX_TRACKED_CLIENTS = 100_000;

/** What counting one failure did. */
export interface CountedFailure {
  /** Within the allowance: answer 401 and log it. Beyond it (requests that were already
   *  in flight): answer 429 and log nothing more. */
  readonly withinLimit: boolean;
  /** This failure used up the allowance: the client is refused for this many seconds. */
  readonly blockedForSeconds: number | null;
}

/**
 * Failed authentications per client key: `limit` per minute, then the client is refused
 * (429) until its minute ends, without its token being checked. Successes cost nothing.
 */
export class AuthFailures {
  private readonly counter: FixedWindowCounter;

  constructor(
    private readonly limit: number,
    now: () => number = Date.now,
  ) {
    this.counter = new FixedWindowCounter(
      { limit, windowMs: AUTH_FAILURE_WINDOW_MS, maxKeys: MAX_TRACKED_CLIENTS },
      now,
    );
  }

  /** Seconds until `key` may try again, or null when it may try now. */
  refusedFor(key: string): number | null {
    const verdict = this.counter.peek(key);
    return verdict.allowed ? null : verdict.retryAfterSeconds;
  }

  /** Counts a failure of `key`. */
  fail(key: string): CountedFailure {
    if (!this.counter.hit(key).allowed) return { withinLimit: false, blockedForSeconds: null };
    return { withinLimit: true, blockedForSeconds: this.refusedFor(key) };
  }

  /** The allowance per minute (for log lines). */
  get perMinute(): number {
    return this.limit;
  }
}
