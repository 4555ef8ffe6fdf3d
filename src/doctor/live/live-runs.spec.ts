import { LiveRunLimiter, MAX_LIVE_RUNS } from './live-runs';

describe('LiveRunLimiter', () => {
  it('allows two runs at once by default and refuses a third until one ends', () => {
    const limiter = new LiveRunLimiter();
    expect(limiter.limit).toBe(MAX_LIVE_RUNS);
    expect(MAX_LIVE_RUNS).toBe(2);
    const first = limiter.tryAcquire();
    const second = limiter.tryAcquire();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(limiter.tryAcquire()).toBeNull();
    expect(limiter.active).toBe(2);
    first?.();
    const third = limiter.tryAcquire();
    expect(third).not.toBeNull();
    expect(limiter.tryAcquire()).toBeNull();
    second?.();
    third?.();
    expect(limiter.active).toBe(0);
  });

  it('counts a release once, however often it is called', () => {
    const limiter = new LiveRunLimiter(1);
    const release = limiter.tryAcquire();
    release?.();
    release?.();
    expect(limiter.active).toBe(0);
    const again = limiter.tryAcquire();
    expect(again).not.toBeNull();
    expect(limiter.tryAcquire()).toBeNull();
    again?.();
  });
});
