import { LookupCache } from './lookup-cache';

describe(LookupCache.name, () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  describe('get', () => {
    it('keeps a value for the TTL, then loads again', async () => {
      const cache = new LookupCache<string>(100, 10, clock);
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
      const cache = new LookupCache<string | null>(100, 10, clock);
      const load = jest.fn(() => Promise.resolve(null));
      await cache.get('k', load);
      await expect(cache.get('k', load)).resolves.toBeNull();
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('keeps nothing with a TTL of 0', async () => {
      const cache = new LookupCache<string>(0, 10, clock);
      const load = jest.fn(() => Promise.resolve('value'));
      await cache.get('k', load);
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
      expect(cache.size).toBe(0);
    });

    it.each([0, 100])(
      'shares one in-flight load between concurrent callers (TTL %i)',
      async (ttl) => {
        const cache = new LookupCache<string>(ttl, 10, clock);
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
      const cache = new LookupCache<string>(100, 10, clock);
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
      const cache = new LookupCache<string>(1_000, 2, clock);
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

  describe('clear', () => {
    it('forgets every kept value', async () => {
      const cache = new LookupCache<string>(100, 10, clock);
      const load = jest.fn(() => Promise.resolve('value'));
      await cache.get('k', load);
      cache.clear();
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
    });
  });
});
