import { isLoopback, normaliseAddress, resolveClientAddress } from './client-address';

describe('resolveClientAddress', () => {
  it('uses the socket address without proxies', () => {
    expect(resolveClientAddress('127.0.0.1', '203.0.113.9', 0)).toBe('127.0.0.1');
    expect(resolveClientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('takes the N-th entry from the right with N trusted proxies', () => {
    expect(resolveClientAddress('10.0.0.1', '203.0.113.9', 1)).toBe('203.0.113.9');
    expect(resolveClientAddress('10.0.0.1', '127.0.0.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(resolveClientAddress('10.0.0.1', '127.0.0.1, 203.0.113.9, 10.0.0.2', 2)).toBe(
      '203.0.113.9',
    );
    expect(resolveClientAddress('10.0.0.1', ['127.0.0.1', '203.0.113.9'], 1)).toBe('203.0.113.9');
  });

  it('fails closed: a short or absent header means an unknown client, not the socket', () => {
    // Behind one proxy with proxy_count 2, a client sending nothing (issue 14, L1).
    expect(resolveClientAddress('127.0.0.1', '203.0.113.7', 2)).toBeNull();
    expect(resolveClientAddress('127.0.0.1', '127.0.0.1', 2)).toBeNull();
    expect(resolveClientAddress('127.0.0.1', undefined, 1)).toBeNull();
    expect(resolveClientAddress('127.0.0.1', ' , ', 1)).toBeNull();
    expect(resolveClientAddress('127.0.0.1', [], 1)).toBeNull();
  });

  it('reads an entry that is not an IP address as an unknown client', () => {
    for (const entry of ['localhost', 'unknown', '127.0.0.1.evil.example', '203.0.113.9:4711']) {
      expect(resolveClientAddress('127.0.0.1', `198.51.100.1, ${entry}`, 1)).toBeNull();
    }
    expect(resolveClientAddress('127.0.0.1', '[2001:db8::1]', 1)).toBe('2001:db8::1');
    expect(resolveClientAddress('127.0.0.1', '::ffff:203.0.113.9', 1)).toBe('203.0.113.9');
  });

  it('never lets a forged leftmost entry through', () => {
    // A remote client sends "X-Forwarded-For: 127.0.0.1"; one proxy appends its address.
    expect(resolveClientAddress('10.0.0.1', '127.0.0.1, 198.51.100.4', 1)).toBe('198.51.100.4');
    // Without trusted proxies the header is ignored entirely.
    expect(resolveClientAddress('198.51.100.4', '127.0.0.1', 0)).toBe('198.51.100.4');
  });
});

describe('isLoopback', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '::ffff:127.0.0.1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '0::1',
    '0000:0000:0000:0000:0000:0000:0000:0001',
  ])('%s is loopback', (address) => expect(isLoopback(address)).toBe(true));

  it.each([
    '10.0.0.1',
    '::2',
    '::',
    '::ffff:10.0.0.1',
    'localhost',
    '',
    'unknown',
    '128.0.0.1',
    '126.255.255.255',
    '127.0.0.1.evil.example',
  ])('%s is not loopback', (address) => expect(isLoopback(address)).toBe(false));
});

describe('normaliseAddress', () => {
  it('unwraps IPv4-mapped addresses and brackets', () => {
    expect(normaliseAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseAddress('[2001:db8::1]')).toBe('2001:db8::1');
  });
});
