import { clientKey, rateLimitKey } from './client-key';

describe(clientKey.name, () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::99', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
    ['', ''],
  ])('%s is counted as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});

describe(rateLimitKey.name, () => {
  const limitLoopback = { loopback: true };
  const exemptLoopback = { loopback: false };

  it('counts a known client by clientKey', () => {
    expect(rateLimitKey({ address: '203.0.113.9', peer: '10.0.0.1' }, exemptLoopback)).toBe(
      '203.0.113.9',
    );
    expect(rateLimitKey({ address: '2001:db8:1:2::7', peer: '10.0.0.1' }, exemptLoopback)).toBe(
      '2001:db8:1:2::/64',
    );
  });

  it('exempts loopback clients unless rate_limit_loopback is set', () => {
    expect(rateLimitKey({ address: '127.0.0.1', peer: '127.0.0.1' }, exemptLoopback)).toBeNull();
    expect(rateLimitKey({ address: '::1', peer: '::1' }, limitLoopback)).toBe('0:0:0:0::/64');
  });

  it('counts an unknown client by its peer, apart from that address, and never exempts it', () => {
    const unknown = { address: null, peer: '127.0.0.1' };
    expect(rateLimitKey(unknown, exemptLoopback)).toBe('unknown via 127.0.0.1');
    expect(rateLimitKey(unknown, exemptLoopback)).not.toBe(clientKey('127.0.0.1'));
    expect(rateLimitKey({ address: null, peer: '2001:db8::5' }, exemptLoopback)).toBe(
      'unknown via 2001:db8:0:0::/64',
    );
  });
});
