import { Filter } from 'ldapts';

/** The placeholder automx2 replaces with the address in `ldapserver.search_filter`. */
const ADDRESS_PLACEHOLDER = '{0}';

/**
 * The search filter for one lookup: every `{0}` in the stored filter (e.g. `(mail={0})`)
 * becomes the address escaped per RFC 4515 (ldapts' `Filter.escape`: `*`, `(`, `)`, `\`
 * and NUL as `\2a`, `\28`, `\29`, `\5c`, `\00`), so an address can never change the
 * filter's structure. The stored filter itself is trusted configuration and used as is.
 */
export function buildSearchFilter(template: string, address: string): string {
  return template.split(ADDRESS_PLACEHOLDER).join(Filter.escape(address));
}
