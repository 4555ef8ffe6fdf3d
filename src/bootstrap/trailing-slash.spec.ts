import { trailingSlashRedirect } from './trailing-slash';

describe(trailingSlashRedirect.name, () => {
  it.each([
    ['/initdb', '/initdb/'],
    ['/mobileconfig', '/mobileconfig/'],
    ['/initdb?x=1', '/initdb/?x=1'],
    [
      '/mobileconfig?emailaddress=a%40example.com&name=A+B',
      '/mobileconfig/?emailaddress=a%40example.com&name=A+B',
    ],
    ['/initdb?', '/initdb/?'],
    ['/InitDB', '/InitDB/'],
    ['/MOBILECONFIG?x', '/MOBILECONFIG/?x'],
  ])('redirects %s to %s, keeping case and query', (url, target) => {
    expect(trailingSlashRedirect(url)).toBe(target);
  });

  it.each([
    '/',
    '/initdb/',
    '/initdb/?x=1',
    '/mobileconfig/',
    '/initdbx',
    '/x/initdb',
    '//initdb',
    '/initdb/x',
    '/mail/config-v1.1.xml',
    '/autodiscover/autodiscover.xml',
    '/?/initdb',
    '/search?q=/initdb',
    '',
  ])('leaves %j alone', (url) => {
    expect(trailingSlashRedirect(url)).toBeNull();
  });
});
