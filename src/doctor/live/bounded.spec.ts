import { CheckTimeout, describeError, mapBounded, withTimeout } from './bounded';

describe('mapBounded', () => {
  it('runs at most `limit` at once and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (value) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, value * 3));
      running--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('handles no items', async () => {
    await expect(mapBounded([], 8, () => Promise.resolve(1))).resolves.toEqual([]);
  });
});

describe('withTimeout', () => {
  it('rejects with what timed out and runs the clean-up', async () => {
    const cleanup = jest.fn();
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 20, 'DNS A x.test', cleanup)).rejects.toThrow(
      new CheckTimeout('DNS A x.test', 20),
    );
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('passes a result through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
  });
});

describe('describeError', () => {
  it('gives one short line', () => {
    expect(describeError(new Error('a\n  b'))).toBe('a b');
    expect(describeError('x'.repeat(300))).toHaveLength(200);
  });
});
