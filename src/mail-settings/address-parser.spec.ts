import { DomainError } from '../common/domain-error';
import { parseDomainName, parseEmailAddress } from './address-parser';
import { domainLookupNames } from './domain-names';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return undefined;
}

describe('parseEmailAddress', () => {
  it('trims and keeps case', () => {
    expect(parseEmailAddress('  Alice@Example.COM \n')).toEqual({
      address: 'Alice@Example.COM',
      localPart: 'Alice',
      domain: 'Example.COM',
    });
  });

  it('reads a space in the local part as +', () => {
    expect(parseEmailAddress('user tag@example.com').address).toBe('user+tag@example.com');
  });

  it.each(['', 'user', 'user@', '@example.com', 'a@b@c', 'a@exa mple.com'])('refuses %j', (raw) => {
    expect(codeOf(() => parseEmailAddress(raw))).toBe('INVALID_ADDRESS');
  });

  it('refuses control characters, long local parts and long addresses', () => {
    expect(codeOf(() => parseEmailAddress('a\u0000b@example.com'))).toBe('INVALID_ADDRESS');
    expect(codeOf(() => parseEmailAddress('a\r\nb@example.com'))).toBe('INVALID_ADDRESS');
    expect(codeOf(() => parseEmailAddress(`${'x'.repeat(65)}@example.com`))).toBe(
      'INVALID_ADDRESS',
    );
    expect(codeOf(() => parseEmailAddress(`${'x'.repeat(64)}@example.com`))).toBeUndefined();
    expect(codeOf(() => parseEmailAddress(`a@${'d'.repeat(250)}.com`))).toBe('INVALID_ADDRESS');
  });
});

describe('domains that are not host names', () => {
  // Each of these used to be answered as example.com, with the junk echoed back.
  it.each([
    'a@example.com#x',
    'a@example.com/evil',
    'a@ex%61mple.com',
    'a@exam\u00adple.com',
    'a@exa\u200bmple.com',
    'a@example\u200d.com',
    'a@ｅｘａｍｐｌｅ.com',
    'a@-example.com',
    'a@example-.com',
    'a@ex_ample.com',
    'a@[192.0.2.1]',
    `a@${'l'.repeat(64)}.example`,
  ])('refuses %j', (raw) => {
    expect(codeOf(() => parseEmailAddress(raw))).toBe('INVALID_ADDRESS');
    expect(codeOf(() => parseDomainName(raw.slice(2)))).toBe('INVALID_ADDRESS');
  });

  it.each([
    'a@example.com',
    'a@EXAMPLE.Com',
    'a@bücher.example',
    'a@BÜCHER.example',
    'a@xn--bcher-kva.example',
    'a@localhost',
    'a@mail-1.example',
    `a@${'l'.repeat(63)}.example`,
  ])('accepts %j', (raw) => {
    expect(codeOf(() => parseEmailAddress(raw))).toBeUndefined();
  });
});

describe('parseDomainName', () => {
  it('accepts a domain and drops a trailing dot', () => {
    expect(parseDomainName(' example.com. ')).toBe('example.com');
  });

  it.each(['', ' ', 'a b', 'a/b', 'x@y', 'a\nb'])('refuses %j', (raw) => {
    expect(codeOf(() => parseDomainName(raw))).toBe('INVALID_ADDRESS');
  });
});

describe('domainLookupNames', () => {
  it('gives the lower-cased, punycode and Unicode forms', () => {
    expect(domainLookupNames('Bücher.Example')).toEqual([
      'bücher.example',
      'xn--bcher-kva.example',
    ]);
    expect(domainLookupNames('XN--BCHER-KVA.example')).toEqual([
      'xn--bcher-kva.example',
      'bücher.example',
    ]);
    expect(domainLookupNames('example.com')).toEqual(['example.com']);
  });

  it.each([
    'example.com/x',
    'example.com\\x',
    'example.com?x',
    'example.com#x',
    'exam\u00adple.com',
  ])('never takes %j for the domain host parsing would cut it to', (name) => {
    expect(domainLookupNames(name)).toEqual([name.toLowerCase()]);
  });
});
