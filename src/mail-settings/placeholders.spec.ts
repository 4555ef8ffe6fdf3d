import { expandPlaceholders } from './placeholders';

const alice = { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' };

describe('expandPlaceholders', () => {
  it('replaces each placeholder', () => {
    expect(expandPlaceholders('%EMAILADDRESS%', alice)).toBe('alice@example.com');
    expect(expandPlaceholders('%EMAILLOCALPART%', alice)).toBe('alice');
    expect(expandPlaceholders('%EMAILDOMAIN%', alice)).toBe('example.com');
    expect(expandPlaceholders('u-%EMAILLOCALPART%@%EMAILDOMAIN%', alice)).toBe(
      'u-alice@example.com',
    );
  });

  it('is case-sensitive and leaves unknown placeholders alone', () => {
    expect(expandPlaceholders('%emailaddress% %OTHER%', alice)).toBe('%emailaddress% %OTHER%');
  });

  it('never expands text that was inserted', () => {
    const tricky = {
      address: '%EMAILDOMAIN%@example.com',
      localPart: '%EMAILDOMAIN%',
      domain: 'example.com',
    };
    expect(expandPlaceholders('%EMAILADDRESS%', tricky)).toBe('%EMAILDOMAIN%@example.com');
  });
});
