import { ownedCopy } from '../common/owned-string';

interface CachedValue<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export interface LookupCacheOptions<V> {
  /** How long a settled value is kept; 0 = not kept. */
  readonly ttlMs: number;
  /** Most values kept that are not misses; default 10,000. */
  readonly maxEntries?: number;
  /**
   * Most misses kept, default 1,000 (never more than maxEntries). A caller chooses the
   * keys of misses without bound (any address nobody has), so they are kept apart: they
   * cannot grow memory beyond this nor push out answers that found something.
   */
  readonly maxMisses?: number;
  /** Whether a value is a miss; by default, null. */
  readonly isMiss?: (value: V) => boolean;
  readonly now?: () => number;
}

/** Expired values are dropped every `ttlMs`, at least once a minute. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

/**
 * A small TTL cache for lookup results. Settled values are kept for `ttlMs`: at most
 * `maxEntries` that found something and, apart, at most `maxMisses` misses (in each,
 * the oldest goes first).
 * Keys are stored as owned copies, so a key never keeps the request it came from alive.
 * Expired values are swept out on a timer that runs only while something is kept.
 * Concurrent calls for the same key share one in-flight load, also with `ttlMs` 0.
 * Failed loads are never kept.
 */
export class LookupCache<V> {
  /** Both in insertion order, which is expiry order (every value lives `ttlMs`). */
  private readonly found = new Map<string, CachedValue<V>>();
  private readonly missed = new Map<string, CachedValue<V>>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private readonly ttlMs: number;
  private readonly maxFound: number;
  private readonly maxMissed: number;
  private readonly isMiss: (value: V) => boolean;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(options: LookupCacheOptions<V>) {
    const maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs;
    this.maxMissed = Math.min(maxEntries, options.maxMisses ?? 1_000);
    this.maxFound = maxEntries;
    this.isMiss = options.isMiss ?? ((value) => value === null);
    this.now = options.now ?? Date.now;
  }

  /** Values kept, expired ones not yet swept included. */
  get size(): number {
    return this.found.size + this.missed.size;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.found.get(key) ?? this.missed.get(key);
    if (cached) {
      if (cached.expiresAt > this.now()) return Promise.resolve(cached.value);
      this.found.delete(key);
      this.missed.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const owned = ownedCopy(key);
    const promise = load().then((value) => {
      this.store(owned, value);
      return value;
    });
    this.inFlight.set(owned, promise);
    const forget = (): void => {
      if (this.inFlight.get(owned) === promise) this.inFlight.delete(owned);
    };
    promise.then(forget, forget);
    return promise;
  }

  clear(): void {
    this.found.clear();
    this.missed.clear();
    this.stopSweeping();
  }

  private store(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    const [into, other, max] = this.isMiss(value)
      ? [this.missed, this.found, this.maxMissed]
      : [this.found, this.missed, this.maxFound];
    if (max <= 0) return;
    other.delete(key);
    into.delete(key); // re-inserting moves the key to the newest end
    into.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (into.size > max) {
      const oldest = into.keys().next();
      if (oldest.done) break;
      into.delete(oldest.value);
    }
    this.startSweeping();
  }

  private sweep(): void {
    const now = this.now();
    dropExpired(this.found, now);
    dropExpired(this.missed, now);
    if (this.size === 0) this.stopSweeping();
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.ttlMs, MAX_SWEEP_INTERVAL_MS));
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

function dropExpired<V>(entries: Map<string, CachedValue<V>>, now: number): void {
  for (const [key, cached] of entries) {
    if (cached.expiresAt > now) return;
    entries.delete(key);
  }
}
