import { FilterParser } from 'ldapts';
import { buildSearchFilter } from '../../directory/ldap-filter';
import type { Rule } from './rule';

/**
 * The domain's LDAP server (directory/): every request with an address looks the
 * address up with `search_filter`, its `{0}` replaced by the escaped address, and the
 * entry's uid replaces the stored user names. K-9 asks without an address, so the
 * directory never changes its answer.
 */

const FIELD = 'ldapserver.search_filter';

/** A filter without `{0}`: every address runs the same search. */
export const ldapFilterWithoutAddress: Rule = (view) => {
  const ldap = view.ldapserver;
  if (ldap === null || ldap.search_filter.includes('{0}')) return [];
  return [
    {
      rule: 'ldap.filter-without-address',
      severity: 'error',
      clients: ['thunderbird', 'outlook', 'apple'],
      subject: `LDAP server ${ldap.name}:${ldap.port}`,
      field: FIELD,
      effect:
        `The filter "${ldap.search_filter}" does not contain {0}: every address runs the ` +
        'same search, so every user gets the same directory entry (and its uid as user ' +
        'name), or none.',
      fix: 'Put {0} where the address goes, e.g. (mail={0}).',
    },
  ];
};

/** A filter LDAP cannot parse: every lookup, so every answer for an address, fails with 400. */
export const ldapInvalidFilter: Rule = (view) => {
  const ldap = view.ldapserver;
  if (ldap === null || parses(ldap.search_filter, view.name)) return [];
  return [
    {
      rule: 'ldap.invalid-filter',
      severity: 'error',
      clients: ['thunderbird', 'outlook', 'apple'],
      subject: `LDAP server ${ldap.name}:${ldap.port}`,
      field: FIELD,
      effect:
        `The filter "${ldap.search_filter}" is not a valid LDAP filter: every request with ` +
        'an address is answered 400.',
      fix: 'Write an RFC 4515 filter, e.g. (mail={0}) or (&(objectClass=inetOrgPerson)(mail={0})).',
    },
  ];
};

function parses(filter: string, domain: string): boolean {
  try {
    FilterParser.parseString(buildSearchFilter(filter, `someone@${domain}`));
    return true;
  } catch {
    return false;
  }
}

export const LDAP_RULES: readonly Rule[] = [ldapFilterWithoutAddress, ldapInvalidFilter];
