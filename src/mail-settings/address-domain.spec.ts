import { domainOfAddress, domainOfDomainName } from './address-domain';

describe('domainOfAddress', () => {
  it.each([
    ['Secret.Person@Example.COM', 'example.com'],
    ['  user@example.com \n', 'example.com'],
    ['user tag@example.com', 'example.com'],
    ['jürgen@Bücher.example', 'bücher.example'],
    ['user@xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('%j → %j', (raw, domain) => {
    expect(domainOfAddress(raw)).toBe(domain);
  });

  it.each([
    undefined,
    null,
    '',
    'no-at-sign',
    'user@',
    '@example.com',
    'a@b@example.com',
    'user@exa mple.com',
    'user@example.com\r\nX-Injected: 1',
    'user@exam\u00ADple.com',
    `${'l'.repeat(65)}@example.com`,
  ])('omits %j (no valid address)', (raw) => {
    expect(domainOfAddress(raw)).toBeUndefined();
  });

  it('never returns the local part, whatever the address looks like', () => {
    for (const raw of ['example.com@other.example', 'secret@example.com']) {
      const domain = domainOfAddress(raw);
      expect(domain).toBeDefined();
      expect(domain).not.toContain('@');
      expect(domain).not.toContain(raw.split('@')[0]);
    }
  });
});

describe('domainOfDomainName', () => {
  it.each([
    ['Example.COM', 'example.com'],
    [' example.com. ', 'example.com'],
  ])('%j → %j', (raw, domain) => {
    expect(domainOfDomainName(raw)).toBe(domain);
  });

  it.each([undefined, '', 'user@example.com', 'exa mple.com', 'a/b.example'])('omits %j', (raw) => {
    expect(domainOfDomainName(raw)).toBeUndefined();
  });
});
