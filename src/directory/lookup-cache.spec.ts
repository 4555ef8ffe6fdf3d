import { MiB, retainedBytes } from '../../test/support/retained-heap';
import { LookupCache } from './lookup-cache';

describe(LookupCache.name, () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  describe('get', () => {
    it('keeps a value for the TTL, then loads again', async () => {
      const cache = new LookupCache<string>({ ttlMs: 100, maxEntries: 10, now: clock });
      const load = jest.fn(() => Promise.resolve('value'));
      await expect(cache.get('k', load)).resolves.toBe('value');
      now += 99;
      await expect(cache.get('k', load)).resolves.toBe('value');
      expect(load).toHaveBeenCalledTimes(1);
      now += 1;
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('caches null (a miss) like any other value', async () => {
      const cache = new LookupCache<string | null>({ ttlMs: 100, maxEntries: 10, now: clock });
      const load = jest.fn(() => Promise.resolve(null));
      await cache.get('k', load);
      await expect(cache.get('k', load)).resolves.toBeNull();
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('keeps nothing with a TTL of 0', async () => {
      const cache = new LookupCache<string>({ ttlMs: 0, maxEntries: 10, now: clock });
      const load = jest.fn(() => Promise.resolve('value'));
      await cache.get('k', load);
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
      expect(cache.size).toBe(0);
    });

    it.each([0, 100])(
      'shares one in-flight load between concurrent callers (TTL %i)',
      async (ttl) => {
        const cache = new LookupCache<string>({ ttlMs: ttl, maxEntries: 10, now: clock });
        let finish: (value: string) => void = () => undefined;
        const load = jest.fn(() => new Promise<string>((resolve) => (finish = resolve)));
        const first = cache.get('k', load);
        const second = cache.get('k', load);
        expect(second).toBe(first);
        finish('value');
        await expect(Promise.all([first, second])).resolves.toEqual(['value', 'value']);
        expect(load).toHaveBeenCalledTimes(1);
      },
    );

    it('never keeps a failure, and the next call loads again', async () => {
      const cache = new LookupCache<string>({ ttlMs: 100, maxEntries: 10, now: clock });
      const load = jest
        .fn<Promise<string>, []>()
        .mockRejectedValueOnce(new Error('down'))
        .mockResolvedValueOnce('value');
      const failing = [cache.get('k', load), cache.get('k', load)];
      await expect(failing[0]).rejects.toThrow('down');
      await expect(failing[1]).rejects.toThrow('down');
      await expect(cache.get('k', load)).resolves.toBe('value');
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('evicts the oldest entry beyond maxEntries', async () => {
      const cache = new LookupCache<string>({ ttlMs: 1_000, maxEntries: 2, now: clock });
      const load = jest.fn((key: string) => Promise.resolve(key));
      await cache.get('a', () => load('a'));
      await cache.get('b', () => load('b'));
      await cache.get('c', () => load('c'));
      expect(cache.size).toBe(2);
      await cache.get('b', () => load('b'));
      await cache.get('c', () => load('c'));
      expect(load).toHaveBeenCalledTimes(3);
      await cache.get('a', () => load('a'));
      expect(load).toHaveBeenCalledTimes(4);
    });
  });

  describe('bounds', () => {
    it('keeps misses apart, at most maxMisses, and they never push found values out', async () => {
      const cache = new LookupCache<string | null>({
        ttlMs: 1_000,
        maxEntries: 3,
        maxMisses: 2,
        now: clock,
      });
      const load = jest.fn((key: string) => Promise.resolve(key.startsWith('miss') ? null : key));
      for (const key of ['a', 'b', 'c']) await cache.get(key, () => load(key));
      for (let i = 0; i < 50; i++) await cache.get(`miss${i}`, () => load(`miss${i}`));
      expect(cache.size).toBe(5);
      load.mockClear();
      for (const key of ['a', 'b', 'c', 'miss48', 'miss49']) await cache.get(key, () => load(key));
      expect(load).not.toHaveBeenCalled();
      await cache.get('miss0', () => load('miss0'));
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('keeps no request alive through its keys', async () => {
      const cache = new LookupCache<string | null>({ ttlMs: 60_000, maxEntries: 10_000 });
      // 300 keys cut from 60 KB bodies: 18 MB if a key kept its body.
      const retained = await retainedBytes(async () => {
        for (let i = 0; i < 300; i++) {
          const body = `<a>${i}-user@example.com</a>${'x'.repeat(60_000)}`;
          const address = body.slice(3, body.indexOf('</a>'));
          await cache.get(`server\n${address}`, () => Promise.resolve(i % 2 ? null : 'uid'));
        }
        return cache;
      });
      expect(cache.size).toBe(300);
      expect(retained).toBeLessThan(6 * MiB);
    });
  });

  describe('expiry', () => {
    afterEach(() => jest.useRealTimers());

    it('sweeps expired values out without being asked, and stops sweeping when empty', async () => {
      jest.useFakeTimers();
      const cache = new LookupCache<string | null>({ ttlMs: 100, maxEntries: 10, now: clock });
      await cache.get('found', () => Promise.resolve('value'));
      await cache.get('missed', () => Promise.resolve(null));
      now += 50;
      jest.advanceTimersByTime(100);
      expect(cache.size).toBe(2);
      now += 60;
      jest.advanceTimersByTime(100);
      expect(cache.size).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('runs no timer while nothing is kept', async () => {
      jest.useFakeTimers();
      const cache = new LookupCache<string>({ ttlMs: 0, now: clock });
      await cache.get('k', () => Promise.resolve('value'));
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('clear', () => {
    it('forgets every kept value', async () => {
      const cache = new LookupCache<string>({ ttlMs: 100, maxEntries: 10, now: clock });
      const load = jest.fn(() => Promise.resolve('value'));
      await cache.get('k', load);
      cache.clear();
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
    });
  });
});
