import { EqualityFilter, FilterParser } from 'ldapts';
import { buildSearchFilter } from './ldap-filter';

describe('buildSearchFilter', () => {
  it('puts a plain address into the placeholder', () => {
    expect(buildSearchFilter('(mail={0})', 'alice@example.com')).toBe('(mail=alice@example.com)');
  });

  it('replaces every placeholder', () => {
    expect(buildSearchFilter('(|(mail={0})(mailAlternateAddress={0}))', 'a@b.c')).toBe(
      '(|(mail=a@b.c)(mailAlternateAddress=a@b.c))',
    );
  });

  it('leaves a filter without placeholder unchanged', () => {
    expect(buildSearchFilter('(objectClass=person)', 'a@b.c')).toBe('(objectClass=person)');
  });

  it.each([
    ['star*user@example.com', '(mail=star\\2auser@example.com)'],
    ['*', '(mail=\\2a)'],
    ['*)(uid=*', '(mail=\\2a\\29\\28uid=\\2a)'],
    ['alice@example.com)(|(uid=*', '(mail=alice@example.com\\29\\28|\\28uid=\\2a)'],
    ['back\\slash@example.com', '(mail=back\\5cslash@example.com)'],
    ['nul\0@example.com', '(mail=nul\\00@example.com)'],
  ])('escapes the RFC 4515 metacharacters of %j', (address, expected) => {
    expect(buildSearchFilter('(mail={0})', address)).toBe(expected);
  });

  it('keeps non-ASCII characters (the filter string is UTF-8)', () => {
    expect(buildSearchFilter('(mail={0})', 'jürgen@bücher.example')).toBe(
      '(mail=jürgen@bücher.example)',
    );
  });

  it.each(['*)(uid=*', '*', 'alice@example.com)(|(uid=*', 'x)(objectClass=*))(&(cn=y'])(
    'an injection attempt %j stays one equality assertion on mail',
    (address) => {
      const filter = FilterParser.parseString(buildSearchFilter('(mail={0})', address));
      expect(filter).toBeInstanceOf(EqualityFilter);
      expect(filter.toString()).toBe(`(mail=${buildSearchFilter('{0}', address)})`);
    },
  );

  it('a `{0}` inside the address is not expanded again', () => {
    expect(buildSearchFilter('(mail={0})', '{0}@example.com')).toBe('(mail={0}@example.com)');
  });
});
