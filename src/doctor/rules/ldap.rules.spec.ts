import { domainView, ldapServer } from '../../../test/support/doctor-views';
import { ldapFilterWithoutAddress, ldapInvalidFilter } from './ldap.rules';

describe('LDAP rules', () => {
  const withFilter = (search_filter: string) =>
    domainView({ ldapserver: ldapServer({ search_filter }) });

  it('ldap.filter-without-address fires for a filter without {0}', () => {
    expect(ldapFilterWithoutAddress(withFilter('(mail=alice@example.com)'))).toEqual([
      expect.objectContaining({
        rule: 'ldap.filter-without-address',
        severity: 'error',
        field: 'ldapserver.search_filter',
      }),
    ]);
  });

  it('ldap.invalid-filter fires for a filter LDAP cannot parse', () => {
    expect(ldapInvalidFilter(withFilter('mail={0}))')).map((f) => f.rule)).toEqual([
      'ldap.invalid-filter',
    ]);
  });

  it('both are silent for a good filter and without an LDAP server', () => {
    for (const view of [withFilter('(&(objectClass=person)(mail={0}))'), domainView()]) {
      expect([...ldapFilterWithoutAddress(view), ...ldapInvalidFilter(view)]).toEqual([]);
    }
  });
});
