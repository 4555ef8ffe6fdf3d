import { isLocalHost } from './local-host';

describe(isLocalHost.name, () => {
  const LISTEN = '127.0.0.1';

  it.each([
    'localhost',
    'LOCALHOST',
    'localhost:4243',
    'localhost:',
    'admin.localhost',
    'a.b-c.localhost:80',
    '127.0.0.1',
    '127.0.0.1:4243',
    '127.8.9.10',
    '[::1]',
    '[::1]:4243',
    '[0:0:0:0:0:0:0:1]:80',
    '[::ffff:127.0.0.1]',
    ' localhost ',
  ])('accepts %j', (host) => expect(isLocalHost(host, LISTEN)).toBe(true));

  it.each([
    undefined,
    '',
    ':4243',
    'rebind.attacker.example',
    'rebind.attacker.example:4243',
    'localhost.attacker.example',
    'localhost.',
    'notlocalhost',
    'xlocalhost',
    '.localhost',
    'a..localhost',
    '-a.localhost',
    'localhost:4243:1',
    'localhost:http',
    'localhost:123456',
    '127.0.0.1.nip.io',
    '127.1',
    '2130706433',
    '0x7f.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '::1',
    '[::1',
    '[::2]',
    '[localhost]',
    '[::1]x',
    'user@localhost',
    'localhost/x',
  ])('refuses %j', (host) => expect(isLocalHost(host, LISTEN)).toBe(false));

  it('accepts the configured listen host, in any case, with or without port', () => {
    expect(isLocalHost('automx2.internal:4243', 'automx2.internal')).toBe(true);
    expect(isLocalHost('AUTOMX2.Internal', 'automx2.internal')).toBe(true);
    expect(isLocalHost('10.1.2.3:4243', '10.1.2.3')).toBe(true);
    expect(isLocalHost('[fd00::5]:4243', 'fd00::5')).toBe(true);
    expect(isLocalHost('automx2.internal', '127.0.0.1')).toBe(false);
    expect(isLocalHost('10.1.2.4', '10.1.2.3')).toBe(false);
  });

  it('never accepts a wildcard listen address as a name', () => {
    expect(isLocalHost('0.0.0.0:4243', '0.0.0.0')).toBe(false);
    expect(isLocalHost('[::]:4243', '::')).toBe(false);
    expect(isLocalHost('[0:0:0:0:0:0:0:0]', '::')).toBe(false);
    // Loopback names still count whatever the listen address.
    expect(isLocalHost('localhost:4243', '0.0.0.0')).toBe(true);
  });
});
