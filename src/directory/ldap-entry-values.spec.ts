import type { Entry } from 'ldapts';
import { firstAttributeValue } from './ldap-entry-values';

const DN = 'uid=x,dc=example,dc=com';

describe('firstAttributeValue', () => {
  it('returns a single value', () => {
    expect(firstAttributeValue({ dn: DN, uid: 'alice' }, 'uid')).toBe('alice');
  });

  it('returns the first value of a multi-valued attribute', () => {
    expect(firstAttributeValue({ dn: DN, cn: ['Bob One', 'Bob Two'] }, 'cn')).toBe('Bob One');
  });

  it('skips empty values and returns undefined when there are none', () => {
    expect(firstAttributeValue({ dn: DN, cn: ['', ' ', 'Real'] }, 'cn')).toBe('Real');
    expect(firstAttributeValue({ dn: DN, cn: [] }, 'cn')).toBeUndefined();
    expect(firstAttributeValue({ dn: DN }, 'cn')).toBeUndefined();
  });

  it('decodes Buffer values as UTF-8', () => {
    const entry: Entry = { dn: DN, cn: Buffer.from('Jürgen Müller', 'utf8') };
    expect(firstAttributeValue(entry, 'cn')).toBe('Jürgen Müller');
    expect(firstAttributeValue({ dn: DN, uid: [Buffer.from('jm')] }, 'uid')).toBe('jm');
  });

  it('compares names case-insensitively (Active Directory spelling)', () => {
    const entry: Entry = { dn: DN, sAMAccountName: 'jdoe', displayName: 'John Doe' };
    expect(firstAttributeValue(entry, 'samaccountname')).toBe('jdoe');
    expect(firstAttributeValue(entry, 'DISPLAYNAME')).toBe('John Doe');
  });

  it('understands the standard aliases of cn, uid, mail, sn and givenName', () => {
    expect(firstAttributeValue({ dn: DN, cn: 'Alice' }, 'commonName')).toBe('Alice');
    expect(firstAttributeValue({ dn: DN, commonName: 'Alice' }, 'cn')).toBe('Alice');
    expect(firstAttributeValue({ dn: DN, uid: 'alice' }, 'userid')).toBe('alice');
  });

  it('prefers the plain attribute over one with options, but uses the latter if alone', () => {
    const both: Entry = { dn: DN, 'cn;lang-de': 'Alicia', cn: 'Alice' };
    expect(firstAttributeValue(both, 'cn')).toBe('Alice');
    expect(firstAttributeValue({ dn: DN, 'member;range=0-1': ['a', 'b'] }, 'member')).toBe('a');
  });

  it('does not confuse the DN with an attribute', () => {
    expect(firstAttributeValue({ dn: DN }, 'uid')).toBeUndefined();
  });
});
