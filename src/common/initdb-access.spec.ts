import { initDbAllowed, type InitDbRequest } from './initdb-access';

describe(initDbAllowed.name, () => {
  const local: InitDbRequest = { client: '127.0.0.1', hosts: ['localhost:4243', 'localhost'] };

  it('lets a loopback client that asked for a loopback host in', () => {
    expect(initDbAllowed('loopback', local, '127.0.0.1')).toBe(true);
    expect(initDbAllowed('loopback', { client: '::1', hosts: ['[::1]:4243'] }, '::1')).toBe(true);
  });

  it('refuses everybody with initdb = off', () => {
    expect(initDbAllowed('off', local, '127.0.0.1')).toBe(false);
  });

  it.each([
    ['a remote client', { client: '203.0.113.9', hosts: ['localhost'] }],
    ['an unknown client (short X-Forwarded-For)', { client: null, hosts: ['localhost'] }],
    ['a rebinding Host', { client: '127.0.0.1', hosts: ['rebind.attacker.example:4243'] }],
    ['no Host', { client: '127.0.0.1', hosts: [undefined] }],
    [
      'a forwarded host that is not local',
      { client: '127.0.0.1', hosts: ['localhost', 'rebind.attacker.example'] },
    ],
  ] as const)('refuses %s', (_label, request: InitDbRequest) => {
    expect(initDbAllowed('loopback', request, '127.0.0.1')).toBe(false);
  });
});
