/**
 * What the cluster primary (cluster.ts) does when a worker exits: pure decisions,
 * so they can be tested without processes.
 */

/** Exit code of a worker whose configuration was refused (as `serve` uses). */
const CONFIG_ERROR_CODE = 2;

export interface RestartPolicy {
  /** Exits are counted over this sliding window. */
  readonly windowMs: number;
  /** More exits than this within the window: the primary gives up. */
  readonly maxExitsInWindow: number;
  /** This many workers in a row exiting before they listened: the primary gives up. */
  readonly maxStartupFailures: number;
  /** Delay before the second replacement within the window; doubled for each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export function restartPolicy(workers: number): RestartPolicy {
  return {
    windowMs: 30_000,
    maxExitsInWindow: Math.max(5, 2 * workers),
    // Every worker of a start-up round failing (port in use, say) ends it; with fewer
    // than 3 workers, one more round is tried first.
    maxStartupFailures: Math.max(3, workers),
    baseDelayMs: 1000,
    maxDelayMs: 10_000,
  };
}

/** What the primary remembers about earlier exits. */
export interface RestartState {
  /** Times of the exits within the window, oldest first. */
  readonly exits: readonly number[];
  /** Workers in a row that exited before they listened; reset when one listens. */
  readonly startupFailures: number;
}

export const INITIAL_RESTART_STATE: RestartState = { exits: [], startupFailures: 0 };

export interface WorkerExit {
  /** When it happened (ms, any monotonic clock). */
  readonly at: number;
  /** Whether the worker had been listening. */
  readonly listened: boolean;
}

export type RestartDecision =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly state: RestartState }
  | { readonly kind: 'give-up'; readonly reason: string; readonly state: RestartState };

/**
 * After an unexpected exit: replace the worker (the first exit within the window at
 * once, then after 1 s, 2 s, 4 s … up to 10 s) or give up when workers keep exiting.
 */
export function decideRestart(
  state: RestartState,
  exit: WorkerExit,
  policy: RestartPolicy,
): RestartDecision {
  const exits = [...state.exits.filter((at) => exit.at - at < policy.windowMs), exit.at];
  const startupFailures = exit.listened ? 0 : state.startupFailures + 1;
  const next: RestartState = { exits, startupFailures };
  if (startupFailures >= policy.maxStartupFailures) {
    return {
      kind: 'give-up',
      reason: `${startupFailures} workers in a row exited before they listened`,
      state: next,
    };
  }
  if (exits.length > policy.maxExitsInWindow) {
    return {
      kind: 'give-up',
      reason: `${exits.length} worker exits within ${policy.windowMs / 1000} s`,
      state: next,
    };
  }
  return { kind: 'restart', delayMs: restartDelay(exits.length, policy), state: next };
}

/** Delay before replacing the n-th worker that exited within the window (n ≥ 1). */
export function restartDelay(exitsInWindow: number, policy: RestartPolicy): number {
  if (exitsInWindow <= 1) return 0;
  return Math.min(policy.baseDelayMs * 2 ** (exitsInWindow - 2), policy.maxDelayMs);
}

/** A worker listens: start-up works, so earlier start-up failures no longer count. */
export function afterListening(state: RestartState): RestartState {
  return state.startupFailures === 0 ? state : { ...state, startupFailures: 0 };
}

export type ExitKind = 'stopping' | 'config-error' | 'unexpected';

/**
 * How the primary reads a worker's exit: expected while it stops the cluster; exit
 * code 2 is a configuration error (which a replacement would repeat); anything else,
 * a crash, a signal or even code 0 (someone stopped that worker), is replaced.
 */
export function classifyExit(code: number | null, stopping: boolean): ExitKind {
  if (stopping) return 'stopping';
  return code === CONFIG_ERROR_CODE ? 'config-error' : 'unexpected';
}
