import { domainPath, isAdminApiPath, isImportPath, pathOf, sharedPath } from './admin-paths';

describe(isAdminApiPath.name, () => {
  it.each([
    '/admin/api',
    '/admin/api/',
    '/admin/api/v1/domains?x=1',
    '/ADMIN/Api/v9/x',
    '/admin/api/v1/%ZZ',
  ])('%j is under /admin/api/', (url) => {
    expect(isAdminApiPath(url)).toBe(true);
  });

  it.each(['/admin', '/admin/', '/admin/apix', '/admin/apis/v1', '/x/admin/api/', '/?/admin/api/'])(
    '%j is not',
    (url) => {
      expect(isAdminApiPath(url)).toBe(false);
    },
  );
});

describe(isImportPath.name, () => {
  it('is POST /import, with or without a trailing slash or query, any case', () => {
    expect(isImportPath('/admin/api/v1/import?mode=merge')).toBe(true);
    expect(isImportPath('/admin/api/v1/import/')).toBe(true);
    expect(isImportPath('/Admin/API/v1/Import')).toBe(true);
    expect(isImportPath('/admin/api/v1/importx')).toBe(false);
    expect(isImportPath('/admin/api/v1/domains?x=/admin/api/v1/import')).toBe(false);
    expect(isImportPath('/admin/api/v1/import/x')).toBe(false);
  });
});

describe('resource paths', () => {
  it('percent-encode the stored name', () => {
    expect(domainPath('bücher.example')).toBe('/admin/api/v1/domains/b%C3%BCcher.example');
    expect(sharedPath('ldapservers', 3)).toBe('/admin/api/v1/ldapservers/3');
    expect(pathOf('/a/b?c=d?e')).toBe('/a/b');
  });
});
