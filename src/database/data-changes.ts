import { Injectable } from '@nestjs/common';

/**
 * Tells this process's caches that stored data changed (a /initdb/ load or purge, an
 * import, an admin API write), and passes changes made here on to relays that tell other
 * processes (ChangeBroadcast: NOTIFY on PostgreSQL). Without a relay, other processes see
 * a change when their cache entries expire (cache_ttl).
 */
@Injectable()
export class DataChanges {
  private readonly listeners: (() => void)[] = [];
  private readonly relays: (() => void)[] = [];

  /** `listener` runs on every change, made here or elsewhere (it drops cached data). */
  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** `relay` runs on changes made in this process only (it tells other processes). */
  relayTo(relay: () => void): void {
    this.relays.push(relay);
  }

  /**
   * Stored data changed through this process. Call it once the change is committed:
   * caches here and elsewhere then re-read, and must find the new rows.
   */
  changed(): void {
    this.changedElsewhere();
    for (const relay of this.relays) relay();
  }

  /** Another process changed stored data (or may have: notifications were missed). */
  changedElsewhere(): void {
    for (const listener of this.listeners) listener();
  }
}
