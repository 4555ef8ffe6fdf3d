import { AddressSet, parseAddressEntry, splitAddressList } from './address-set';

describe(parseAddressEntry.name, () => {
  it.each([
    ['192.0.2.7', { address: '192.0.2.7', prefix: 32, family: 'ipv4' }],
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['2001:db8::1', { address: '2001:db8::1', prefix: 128, family: 'ipv6' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['::ffff:198.51.100.1', { address: '198.51.100.1', prefix: 32, family: 'ipv4' }],
    [' 10.1.0.0/16 ', { address: '10.1.0.0', prefix: 16, family: 'ipv4' }],
  ])('reads %j', (text, entry) => {
    expect(parseAddressEntry(text)).toEqual(entry);
  });

  it.each([
    '',
    'proxy.example.com',
    'localhost',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '10.0.0',
    '256.0.0.1',
    '[::1]',
    'fe80::1%eth0',
    '10.0.0.1:80',
  ])('refuses %j', (text) => {
    expect(parseAddressEntry(text)).toBeNull();
  });
});

describe(splitAddressList.name, () => {
  it('splits on commas and white space, dropping empty entries', () => {
    expect(splitAddressList(' 10.0.0.1,10.0.0.2  fd00::/8 ,\t, 192.0.2.0/24\n')).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      'fd00::/8',
      '192.0.2.0/24',
    ]);
    expect(splitAddressList('  ')).toEqual([]);
  });
});

describe(AddressSet.name, () => {
  const set = AddressSet.of(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1']);

  it.each([
    '10.0.0.1',
    '10.255.255.255',
    '192.0.2.7',
    '::ffff:10.1.2.3',
    '::FFFF:192.0.2.7',
    'fd42::1',
    'FD00::',
    '::1',
    '0:0:0:0:0:0:0:1',
    '[::1]',
  ])('contains %s', (address) => expect(set.has(address)).toBe(true));

  it.each([
    '11.0.0.1',
    '9.255.255.255',
    '192.0.2.8',
    '::ffff:11.0.0.1',
    'fe80::1',
    'fe80::1%eth0',
    '::2',
    '',
    'unknown',
    '10.0.0.1.evil.example',
  ])('does not contain %j', (address) => expect(set.has(address)).toBe(false));

  it('is empty without entries and then contains nothing', () => {
    const empty = AddressSet.of([]);
    expect(empty.size).toBe(0);
    expect(empty.has('127.0.0.1')).toBe(false);
  });

  it('refuses an entry that is not an address or network', () => {
    expect(() => AddressSet.of(['10.0.0.1', 'proxy'])).toThrow(/"proxy"/);
  });
});
