import { AuthFailures } from './auth-failures';

describe(AuthFailures.name, () => {
  let now = 0;
  const failures = (limit = 3) => new AuthFailures(limit, () => now);

  beforeEach(() => {
    now = 5_000_000;
  });

  it('allows `limit` failures per minute, then refuses until the minute ends', () => {
    const counter = failures(3);
    expect(counter.refusedFor('a')).toBeNull();
    expect(counter.fail('a')).toEqual({ withinLimit: true, blockedForSeconds: null });
    now += 10_000;
    expect(counter.fail('a')).toEqual({ withinLimit: true, blockedForSeconds: null });
    expect(counter.refusedFor('a')).toBeNull();
    expect(counter.fail('a')).toEqual({ withinLimit: true, blockedForSeconds: 50 });
    expect(counter.refusedFor('a')).toBe(50);
    now += 49_500;
    expect(counter.refusedFor('a')).toBe(1);
    now += 500;
    expect(counter.refusedFor('a')).toBeNull();
    expect(counter.fail('a')).toEqual({ withinLimit: true, blockedForSeconds: null });
  });

  it('reports failures beyond the limit (requests already in flight) as such, once blocked', () => {
    const counter = failures(1);
    expect(counter.fail('a').blockedForSeconds).toBe(60);
    expect(counter.fail('a')).toEqual({ withinLimit: false, blockedForSeconds: null });
    expect(counter.refusedFor('b')).toBeNull();
  });
});
