import { MiB, retainedBytes } from '../../test/support/retained-heap';
import { ownedCopy } from './owned-string';

/** A different string of about `chars` characters each time. */
const big = (i: number, chars = 60_000): string => `${i}:${'x'.repeat(chars)}`;

describe(ownedCopy.name, () => {
  it.each([
    ['ASCII', 'user@example.com'],
    ['Latin-1', 'jörg@bücher.example'],
    ['BMP', 'почта@пример.рф'],
    ['astral', 'mail@😀.example'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
    ['empty', ''],
  ])('is equal to the original (%s)', (_, text) => {
    expect(ownedCopy(text)).toBe(text);
  });

  it('keeps nothing of the string a slice was cut from (the slice alone keeps it all)', async () => {
    const count = 400; // 400 × 60 KB = 24 MB when the originals stay alive
    const slices = await retainedBytes(() =>
      Array.from({ length: count }, (_, i) => big(i).slice(2, 40)),
    );
    const copies = await retainedBytes(() =>
      Array.from({ length: count }, (_, i) => ownedCopy(big(i).slice(2, 40))),
    );
    expect(slices).toBeGreaterThan(8 * MiB); // the premise: V8 slices share their original
    expect(copies).toBeLessThan(6 * MiB);
  });

  it('keeps nothing of the parts of a concatenation (the concatenation keeps them)', async () => {
    const count = 400;
    const joined = await retainedBytes(() =>
      Array.from({ length: count }, (_, i) => `key\n${big(i).slice(2, 40)}`),
    );
    const copies = await retainedBytes(() =>
      Array.from({ length: count }, (_, i) => ownedCopy(`key\n${big(i).slice(2, 40)}`)),
    );
    expect(joined).toBeGreaterThan(8 * MiB);
    expect(copies).toBeLessThan(6 * MiB);
  });
});
