import type { LiveResolver } from './resolver';
import type { Trust } from './tls-connect';

/** What every live check shares for one run. */
export interface LiveContext {
  readonly resolver: LiveResolver;
  readonly trust: Trust;
  readonly timeoutMs: number;
  /** The clock certificate expiry is judged by. */
  readonly now: Date;
}
