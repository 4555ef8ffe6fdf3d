import { spawnSync } from 'node:child_process';
import { boundHeapGrowth, HEAP_GROWING_PERCENT } from './heap-growth';

/**
 * The peak heap size of a fresh node process that keeps about 40 batches of small
 * objects alive while it allocates 400 (the pattern of requests in flight under load),
 * with or without the growth factor set at run time the way boundHeapGrowth sets it.
 */
function peakHeapBytes(setFactor: boolean): number {
  const script = `
    const v8 = require('node:v8');
    ${setFactor ? `v8.setFlagsFromString('--heap-growing-percent=${HEAP_GROWING_PERCENT}');` : ''}
    const kept = [];
    let peak = 0;
    for (let round = 0; round < 400; round++) {
      const batch = [];
      for (let i = 0; i < 2000; i++) batch.push({ round, i, text: 'x'.repeat(64) + i });
      kept.push(batch);
      if (kept.length > 40) kept.shift();
      peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
    }
    process.stdout.write(String(peak));
  `;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return Number(result.stdout);
}

describe('boundHeapGrowth', () => {
  it('does not override a factor given on the node command line', () => {
    expect(boundHeapGrowth(['--heap-growing-percent=80'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent', '80'])).toBe(false);
  });

  it('sets the factor otherwise', () => {
    expect(boundHeapGrowth(['--enable-source-maps'])).toBe(true);
  });

  it('takes effect when set at run time: the heap of a churning process stays smaller', () => {
    const unbounded = peakHeapBytes(false);
    const bounded = peakHeapBytes(true);
    expect(unbounded).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(unbounded * 0.8);
  });
});
