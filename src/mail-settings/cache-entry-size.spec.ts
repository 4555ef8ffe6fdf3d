import {
  ENTRY_OVERHEAD_BYTES,
  RENDERED_DOCUMENTS_FACTOR,
  foundEntryBytes,
  heldBytes,
  notFoundEntryBytes,
  stringBytes,
} from './cache-entry-size';

describe('cache entry size', () => {
  it('counts two bytes for every character of a string, whatever it holds', () => {
    expect(stringBytes('a'.repeat(1_000))).toBeGreaterThanOrEqual(2_000);
    expect(stringBytes('ä'.repeat(1_000))).toBeGreaterThanOrEqual(2_000);
  });

  it('counts every string in a nested value', () => {
    const value = { a: 'x'.repeat(1_000), b: [{ c: 'y'.repeat(2_000) }, 'z'.repeat(3_000)], n: 1 };
    expect(heldBytes(value)).toBeGreaterThanOrEqual(2 * 6_000);
    expect(heldBytes(value)).toBeLessThan(2 * 6_000 + 1_000);
  });

  it('counts the key at two bytes a character, not one', () => {
    const key = 'k'.repeat(1_000);
    expect(notFoundEntryBytes(key)).toBeGreaterThanOrEqual(ENTRY_OVERHEAD_BYTES + 2_000);
  });

  it("counts a known domain's key, settings and the documents rendered from them", () => {
    const key = 'k'.repeat(100);
    const settings = { domainName: 's'.repeat(5_000), servers: [] };
    expect(foundEntryBytes(key, settings)).toBeGreaterThanOrEqual(
      ENTRY_OVERHEAD_BYTES + 200 + (1 + RENDERED_DOCUMENTS_FACTOR) * 10_000,
    );
  });
});
