import { Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ownedCopy } from '../common/owned-string';
import { AppConfigService } from '../config/app-config.service';
import type { SettingsCacheConfig } from '../config/app-config';
import { DataChanges } from '../database/data-changes';
import { MetricsService } from '../metrics/metrics.service';
import { foundEntryBytes, notFoundEntryBytes } from './cache-entry-size';
import type { DomainSettings } from './domain-settings';

/**
 * Unknown domains remembered at most, and their bytes at most. Anyone can ask for any
 * number of names that are not in the database, so "not found" answers are kept apart
 * from the settings of known domains, in a small cache of their own: they can neither
 * grow memory beyond this nor push known domains out.
 */
export const NOT_FOUND_MAX_ENTRIES = 1_000;
export const NOT_FOUND_MAX_BYTES = 1024 * 1024;
/** Expired entries are dropped every `cache_ttl`, at least once a minute. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

interface Stores {
  /** Known domains: bounded by cache_max_entries and (estimated) cache_max_bytes. */
  readonly found: LRUCache<string, DomainSettings>;
  /** Unknown domains: bounded by NOT_FOUND_MAX_ENTRIES and NOT_FOUND_MAX_BYTES. */
  readonly notFound: LRUCache<string, true>;
  readonly sweeper: NodeJS.Timeout;
}

/**
 * Resolved domain settings kept in memory for `cache_ttl`, least recently used out first:
 * known domains bounded by count and by the bytes they really hold (cache-entry-size.ts),
 * unknown ones apart and bounded more tightly. Keys are owned copies, so a key never keeps
 * the request it came from alive. Expired entries are swept out on a timer, not left until
 * something evicts them. Concurrent misses for one domain share one database lookup.
 * Cleared at once on this replica when data changes; a lookup that was running during the
 * change is not stored.
 */
@Injectable()
export class DomainSettingsCache implements OnModuleDestroy {
  private readonly stores: Stores | null;
  private readonly inFlight = new Map<string, Promise<DomainSettings | null>>();
  private generation = 0;

  constructor(
    config: AppConfigService,
    changes: DataChanges,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.stores = createStores(config.values.settingsCache);
    changes.subscribe(() => this.clear());
  }

  get enabled(): boolean {
    return this.stores !== null;
  }

  /** Entries held, expired ones not yet swept included (for tests). */
  get size(): { readonly found: number; readonly notFound: number } {
    return { found: this.stores?.found.size ?? 0, notFound: this.stores?.notFound.size ?? 0 };
  }

  async get(
    key: string,
    load: () => Promise<DomainSettings | null>,
  ): Promise<DomainSettings | null> {
    const stores = this.stores;
    if (!stores) return load();
    const settings = stores.found.get(key);
    if (settings !== undefined || stores.notFound.get(key) === true) {
      this.metrics?.countCacheLookup('settings', true);
      return settings ?? null;
    }
    this.metrics?.countCacheLookup('settings', false);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const owned = ownedCopy(key);
    const generation = this.generation;
    const loading = load().then((loaded) => {
      if (generation === this.generation) store(stores, owned, loaded);
      return loaded;
    });
    this.inFlight.set(owned, loading);
    try {
      return await loading;
    } finally {
      if (this.inFlight.get(owned) === loading) this.inFlight.delete(owned);
    }
  }

  clear(): void {
    this.generation += 1;
    this.inFlight.clear();
    this.stores?.found.clear();
    this.stores?.notFound.clear();
  }

  onModuleDestroy(): void {
    if (this.stores) clearInterval(this.stores.sweeper);
  }
}

function createStores(config: SettingsCacheConfig): Stores | null {
  const { ttlMs, maxEntries, maxBytes } = config;
  if (ttlMs <= 0) return null;
  const found = new LRUCache<string, DomainSettings>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (settings, key) => foundEntryBytes(key, settings),
    ttl: ttlMs,
    updateAgeOnGet: false,
  });
  const notFound = new LRUCache<string, true>({
    max: Math.min(maxEntries, NOT_FOUND_MAX_ENTRIES),
    maxSize: Math.min(maxBytes, NOT_FOUND_MAX_BYTES),
    sizeCalculation: (_, key) => notFoundEntryBytes(key),
    ttl: ttlMs,
    updateAgeOnGet: false,
  });
  // One timer per cache: lru-cache's ttlAutopurge would arm a timer per entry instead.
  const sweeper = setInterval(
    () => {
      found.purgeStale();
      notFound.purgeStale();
    },
    Math.min(ttlMs, MAX_SWEEP_INTERVAL_MS),
  );
  sweeper.unref();
  return { found, notFound, sweeper };
}

function store(stores: Stores, key: string, settings: DomainSettings | null): void {
  if (settings) {
    stores.notFound.delete(key);
    stores.found.set(key, settings);
  } else {
    stores.found.delete(key);
    stores.notFound.set(key, true);
  }
}
