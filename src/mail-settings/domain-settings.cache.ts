import { Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfigService } from '../config/app-config.service';
import { DataChanges } from '../database/data-changes';
import { MetricsService } from '../metrics/metrics.service';
import type { DomainSettings } from './domain-settings';

/** A cached lookup: the settings, or null for "no such domain". */
interface Entry {
  readonly settings: DomainSettings | null;
}

const NOT_FOUND: Entry = { settings: null };

/**
 * Resolved domain settings kept in memory for `cache_ttl`, bounded by count and by
 * (estimated) bytes, least recently used out first. Concurrent misses for one domain
 * share one database lookup. Cleared at once on this replica when data changes; a
 * lookup that was running during the change is not stored.
 */
@Injectable()
export class DomainSettingsCache {
  private readonly cache: LRUCache<string, Entry> | null;
  private readonly inFlight = new Map<string, Promise<DomainSettings | null>>();
  private generation = 0;

  constructor(
    config: AppConfigService,
    changes: DataChanges,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    const { ttlMs, maxEntries, maxBytes } = config.values.settingsCache;
    this.cache =
      ttlMs > 0
        ? new LRUCache<string, Entry>({
            max: maxEntries,
            maxSize: maxBytes,
            sizeCalculation: estimateSize,
            ttl: ttlMs,
            updateAgeOnGet: false,
          })
        : null;
    changes.subscribe(() => this.clear());
  }

  get enabled(): boolean {
    return this.cache !== null;
  }

  async get(
    key: string,
    load: () => Promise<DomainSettings | null>,
  ): Promise<DomainSettings | null> {
    if (!this.cache) return load();
    const cached = this.cache.get(key);
    if (cached) {
      this.metrics?.countCacheLookup('settings', true);
      return cached.settings;
    }
    this.metrics?.countCacheLookup('settings', false);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loading = load().then((settings) => {
      if (generation === this.generation) {
        this.cache?.set(key, settings ? { settings } : NOT_FOUND);
      }
      return settings;
    });
    this.inFlight.set(key, loading);
    try {
      return await loading;
    } finally {
      if (this.inFlight.get(key) === loading) this.inFlight.delete(key);
    }
  }

  clear(): void {
    this.generation += 1;
    this.inFlight.clear();
    this.cache?.clear();
  }
}

/** Bytes of an entry, roughly: its JSON text (computed once, on insertion). */
function estimateSize(entry: Entry, key: string): number {
  return key.length + (entry.settings ? JSON.stringify(entry.settings).length : 16);
}
