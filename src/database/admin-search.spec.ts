import { escapeLike, searchPatterns } from './admin-search';

describe('admin domain search', () => {
  it("escapes LIKE's wildcards and its escape character, not backslashes", () => {
    expect(escapeLike('a%b_c!d\\e')).toBe('a!%b!_c!!d\\e');
  });

  it('searches the lower-cased text', () => {
    expect(searchPatterns('Example')).toEqual(['%example%']);
  });

  it('searches Unicode text also as its A-label, and an A-label also as Unicode', () => {
    expect(searchPatterns('Bücher')).toEqual(['%bücher%', '%xn--bcher-kva%']);
    expect(searchPatterns('XN--BCHER-KVA.example')).toEqual([
      '%xn--bcher-kva.example%',
      '%bücher.example%',
    ]);
  });

  it.each([
    ['a\\b', ['%a\\b%']],
    ['a/b', ['%a/b%']],
    ['a?b#c', ['%a?b#c%']],
    ['exam\u00adple', ['%exam\u00adple%']],
    ['bu\u0308cher', ['%bu\u0308cher%', '%xn--bcher-kva%', '%bücher%']],
  ])('adds no IDN form that does not read back as the text (%j)', (search, patterns) => {
    expect(searchPatterns(search)).toEqual(patterns);
  });

  it('keeps wildcards literal in every form', () => {
    expect(searchPatterns('50%_off')).toEqual(['%50!%!_off%']);
  });

  it.each([
    ['NUL', 'a\0b'],
    ['a line feed', 'a\nb'],
    ['a lone surrogate', 'a\ud800'],
    ['absurd length', 'a'.repeat(1025)],
  ])('finds nothing for text no stored name holds (%s)', (_label, search) => {
    expect(searchPatterns(search)).toBeNull();
  });
});
