import { allowedMethods, KNOWN_ROUTES } from './known-routes';

const READ = ['GET', 'HEAD'];

describe(allowedMethods.name, () => {
  it.each([
    ['/', READ],
    ['/mail/config-v1.1.xml', READ],
    ['/mail/config-v1.1.xml/', READ],
    ['/MAIL/Config-v1.1.XML', READ],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', READ],
    ['/.well-known/autoconfig/mail/config-v1.1.xml/', READ],
    ['/autodiscover/autodiscover.xml', ['POST']],
    ['/Autodiscover/Autodiscover.xml', ['POST']],
    ['/AutoDiscover/AutoDiscover.xml', ['POST']],
    ['/autodiscover/autodiscover.xml/', ['POST']],
    ['/autodiscover/autodiscover.json', READ],
    ['/Autodiscover/Autodiscover.json', READ],
    ['/autodiscover/autodiscover.json/v1.0/user@example.com', READ],
    ['/autodiscover/autodiscover.json/v1.0/user%40example.com/', READ],
    ['/mobileconfig/', READ],
    ['/mobileconfig', READ],
    ['/MobileConfig/', READ],
    ['/initdb/', ['GET', 'HEAD', 'POST', 'DELETE']],
    ['/initdb', ['GET', 'HEAD', 'POST', 'DELETE']],
  ])('%s allows %j', (path, methods) => {
    expect(allowedMethods(path)).toEqual(methods);
  });

  it.each([
    '',
    '/index.html',
    '/mail/config-v1.1.xmlx',
    '/mail/config-v1.0.xml',
    '/mail/config-v1X1.xml',
    '/mail/',
    '/.well-known/autoconfig/',
    '/autodiscover/',
    '/autodiscover/autodiscover.xml/x',
    '/autodiscover/autodiscover.json/v1.0/',
    '/autodiscover/autodiscover.json/v1.0/a/b',
    '/autodiscover/autodiscover.json/v2.0/a',
    '/mobileconfig/x',
    '/initdb/x',
    '/initdb//',
    '//',
    '/x/',
  ])('%j is unknown', (path) => {
    expect(allowedMethods(path)).toBeNull();
  });

  it('matches the path only (callers strip the query)', () => {
    expect(allowedMethods('/mail/config-v1.1.xml?emailaddress=a@b')).toBeNull();
  });

  it('lists every GET route with HEAD, and OPTIONS nowhere (the filter adds it)', () => {
    for (const route of KNOWN_ROUTES) {
      if (route.methods.includes('GET')) expect(route.methods).toContain('HEAD');
      expect(route.methods).not.toContain('OPTIONS');
    }
  });

  it('has patterns that never overlap on the listed paths', () => {
    const samples = [
      '/',
      '/mail/config-v1.1.xml',
      '/.well-known/autoconfig/mail/config-v1.1.xml',
      '/autodiscover/autodiscover.xml',
      '/autodiscover/autodiscover.json',
      '/mobileconfig/',
      '/initdb/',
    ];
    for (const path of samples) {
      expect(KNOWN_ROUTES.filter((route) => route.pattern.test(path))).toHaveLength(1);
    }
  });
});
