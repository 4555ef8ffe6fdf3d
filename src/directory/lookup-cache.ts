interface CachedValue<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A small TTL cache for lookup results. Settled values are kept for `ttlMs` (0 = not
 * kept), at most `maxEntries` of them (the oldest goes first). Concurrent calls for the
 * same key share one in-flight load, also with `ttlMs` 0. Failed loads are never kept.
 */
export class LookupCache<V> {
  private readonly settled = new Map<string, CachedValue<V>>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.settled.size;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.settled.get(key);
    if (cached) {
      if (cached.expiresAt > this.now()) return Promise.resolve(cached.value);
      this.settled.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const promise = load().then((value) => {
      this.store(key, value);
      return value;
    });
    this.inFlight.set(key, promise);
    const forget = (): void => {
      if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  clear(): void {
    this.settled.clear();
  }

  private store(key: string, value: V): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    this.settled.delete(key); // re-inserting moves the key to the newest end
    this.settled.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.settled.size > this.maxEntries) {
      const oldest = this.settled.keys().next();
      if (oldest.done) break;
      this.settled.delete(oldest.value);
    }
  }
}
