import { Injectable } from '@nestjs/common';

/**
 * Tells this replica's caches that stored data changed (a /initdb/ load or purge, an
 * import). Other replicas see changes when their cache entries expire (cache_ttl).
 */
@Injectable()
export class DataChanges {
  private readonly listeners: (() => void)[] = [];

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
