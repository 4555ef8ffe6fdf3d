/** Live runs the admin API allows at once in one process; more are refused, not queued. */
export const MAX_LIVE_RUNS = 2;

/**
 * Counts the live runs in progress so that callers can refuse one more: each run opens
 * many connections to hosts the stored data names, so a token holder must not be able
 * to start them without limit.
 */
export class LiveRunLimiter {
  private running = 0;

  constructor(readonly limit: number = MAX_LIVE_RUNS) {}

  /** A slot for one run, with its release (idempotent); null when every slot is taken. */
  tryAcquire(): (() => void) | null {
    if (this.running >= this.limit) return null;
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }

  /** Runs in progress. */
  get active(): number {
    return this.running;
  }
}

/** The process's limiter for `GET …/findings?live=1`. */
export const liveRuns = new LiveRunLimiter();
