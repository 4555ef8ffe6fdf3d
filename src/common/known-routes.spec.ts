import { ADMIN_ROUTES, allowedMethods, KNOWN_ROUTES } from './known-routes';

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

describe('the admin routes', () => {
  const RESOURCE = ['GET', 'HEAD', 'PUT', 'DELETE'];

  it.each([
    ['/admin/api/v1/domains', READ],
    ['/admin/api/v1/domains/', READ],
    ['/admin/api/v1/domains/example.com', RESOURCE],
    ['/admin/api/v1/domains/b%C3%BCcher.example/', RESOURCE],
    ['/ADMIN/API/V1/Domains/x', RESOURCE],
    ['/admin/api/v1/servers', READ],
    ['/admin/api/v1/servers/4', RESOURCE],
    ['/admin/api/v1/servers/4/domains', READ],
    ['/admin/api/v1/davservers/x', RESOURCE],
    ['/admin/api/v1/ldapservers/1/domains/', READ],
    ['/admin/api/v1/providers', READ],
    ['/admin/api/v1/import', ['POST']],
    ['/admin/api/v1/export', READ],
    ['/admin/api/v1/openapi.json', READ],
  ])('%s allows %j while the API is on, and is unknown otherwise', (path, methods) => {
    expect(allowedMethods(path, true)).toEqual(methods);
    expect(allowedMethods(path)).toBeNull();
    expect(allowedMethods(path, false)).toBeNull();
  });

  it.each([
    ['/admin', READ],
    ['/admin/', READ],
    ['/ADMIN/', READ],
    ['/admin/assets/app.js', READ],
    ['/admin/assets/app.css/', READ],
  ])(
    'the console path %s allows %j while the API is on, and is unknown otherwise',
    (path, methods) => {
      expect(allowedMethods(path, true)).toEqual(methods);
      expect(allowedMethods(path)).toBeNull();
    },
  );

  it.each([
    '/admin/assets',
    '/admin/assets/',
    '/admin/assets/a/b.js',
    '/admin/index.html',
    '/admin/api',
    '/admin/api/v1',
    '/admin/api/v1/',
    '/admin/api/v2/domains',
    '/admin/api/v1/domains/a/b',
    '/admin/api/v1/domainsx',
    '/admin/api/v1/servers/1/domains/x',
    '/admin/api/v1/routers/1',
    '/admin/api/v1/openapi.jsonx',
    '/admin/api/v1/openapiXjson',
    '/admin/api/v1/import/x',
  ])('%j is unknown even while the API is on', (path) => {
    expect(allowedMethods(path, true)).toBeNull();
  });

  it('does not change the public routes while the API is on', () => {
    expect(allowedMethods('/initdb/', true)).toEqual(['GET', 'HEAD', 'POST', 'DELETE']);
    expect(allowedMethods('/nope', true)).toBeNull();
  });

  it('lists every GET route with HEAD, OPTIONS nowhere, and no path twice', () => {
    for (const route of ADMIN_ROUTES) {
      if (route.methods.includes('GET')) expect(route.methods).toContain('HEAD');
      expect(route.methods).not.toContain('OPTIONS');
    }
    for (const path of ['/admin/api/v1/servers/1', '/admin/api/v1/servers/1/domains']) {
      expect(ADMIN_ROUTES.filter((route) => route.pattern.test(path))).toHaveLength(1);
    }
  });
});
