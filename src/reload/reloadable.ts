import type { AppConfig } from '../config/app-config';

/** What one reloadable thing did with the re-read configuration. */
export type ReloadOutcome =
  | { readonly kind: 'unchanged' }
  /** Now in effect; `message` says what changed (one INFO line). */
  | { readonly kind: 'changed'; readonly message: string }
  /** The new value is unusable: the old one stays; `reason` says why (one ERROR line). */
  | { readonly kind: 'kept'; readonly reason: string };

export const UNCHANGED: ReloadOutcome = { kind: 'unchanged' };

/**
 * Something a running process may take over from a re-read configuration (SIGHUP)
 * without a restart. The list of them is in reloadables.ts.
 */
export interface Reloadable {
  /** The configuration keys it stands for, as operators know them (`loglevel`). */
  readonly name: string;
  /** The fields of AppConfig it takes over; changes to any other field need a restart. */
  readonly fields: readonly (keyof AppConfig)[];
  /** Takes over its part of `next`, or keeps what it has. Never throws for bad input. */
  readonly apply: (next: AppConfig) => ReloadOutcome;
}
