import { MiB, retainedBytes } from '../../test/support/retained-heap';
import { FixedWindowCounter } from './fixed-window-counter';

describe(FixedWindowCounter.name, () => {
  let now = 0;
  const clock = () => now;
  const counter = (limit = 3, windowMs = 10_000, maxKeys = 100) =>
    new FixedWindowCounter({ limit, windowMs, maxKeys }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  describe('hit', () => {
    it('allows `limit` requests per window, then refuses with the seconds left', () => {
      const limiter = counter(3, 10_000);
      expect([1, 2, 3].map(() => limiter.hit('a'))).toEqual([
        { allowed: true },
        { allowed: true },
        { allowed: true },
      ]);
      expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
      now += 2_500;
      expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 8 });
      now += 7_499;
      expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    });

    it('starts a new window once the old one has ended', () => {
      const limiter = counter(1, 1000);
      expect(limiter.hit('a').allowed).toBe(true);
      expect(limiter.hit('a').allowed).toBe(false);
      now += 1000;
      expect(limiter.hit('a').allowed).toBe(true);
    });

    it('counts each key on its own', () => {
      const limiter = counter(1);
      expect(limiter.hit('a').allowed).toBe(true);
      expect(limiter.hit('b').allowed).toBe(true);
      expect(limiter.hit('a').allowed).toBe(false);
    });

    it('keeps no more than maxKeys windows, dropping expired ones first, then the oldest', () => {
      const limiter = counter(1, 1000, 3);
      limiter.hit('a');
      now += 500;
      limiter.hit('b');
      limiter.hit('c');
      expect(limiter.size).toBe(3);
      // Full: the oldest ('a') goes.
      limiter.hit('d');
      expect(limiter.size).toBe(3);
      expect(limiter.hit('a').allowed).toBe(true);
      // Later every window has ended: all are dropped when a new one starts.
      now += 5000;
      limiter.hit('e');
      expect(limiter.size).toBe(1);
    });

    it('stays bounded under a flood of distinct keys', () => {
      const limiter = counter(1, 60_000, 1000);
      for (let i = 0; i < 50_000; i += 1) limiter.hit(`10.0.${i >> 8}.${i & 255}`);
      expect(limiter.size).toBe(1000);
    });
  });

  describe('peek', () => {
    it('tells what the next hit would be told, without counting', () => {
      const limiter = counter(2, 10_000);
      expect(limiter.peek('a')).toEqual({ allowed: true });
      expect(limiter.size).toBe(0);
      limiter.hit('a');
      expect(limiter.peek('a')).toEqual({ allowed: true });
      expect(limiter.peek('a')).toEqual({ allowed: true });
      limiter.hit('a');
      now += 4_000;
      expect(limiter.peek('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
      expect(limiter.peek('b')).toEqual({ allowed: true });
      now += 6_000;
      expect(limiter.peek('a')).toEqual({ allowed: true });
    });
  });

  describe('memory', () => {
    it('keeps no request header alive through its keys', async () => {
      const limiter = counter(3, 60_000, 100_000);
      // 1,000 clients, each key cut from a 16 KB X-Forwarded-For: 16 MB if the keys kept them.
      const retained = await retainedBytes(() => {
        for (let i = 0; i < 1_000; i++) {
          const header = `${'x'.repeat(16_000)}, 203.0.${i >> 8}.${i & 255}, 198.51.100.${i % 200}`;
          limiter.hit(header.slice(header.indexOf(', ') + 2));
        }
        return limiter;
      });
      expect(limiter.size).toBe(1_000);
      expect(retained).toBeLessThan(5 * MiB);
    });
  });
});
