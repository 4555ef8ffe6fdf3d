import type { Entry } from 'ldapts';

type AttributeValue = Entry[string];

/**
 * Standard attribute names that have a second name (RFC 4519): a server answers with the
 * name it prefers, e.g. `cn` to a request for `commonName`.
 */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['cn', 'commonname'],
  ['commonname', 'cn'],
  ['uid', 'userid'],
  ['userid', 'uid'],
  ['sn', 'surname'],
  ['surname', 'sn'],
  ['gn', 'givenname'],
  ['givenname', 'gn'],
  ['mail', 'rfc822mailbox'],
  ['rfc822mailbox', 'mail'],
]);

function firstNonEmpty(raw: AttributeValue): string | undefined {
  const values: readonly (Buffer | string)[] = Array.isArray(raw) ? raw : [raw];
  for (const value of values) {
    const text = typeof value === 'string' ? value : value.toString('utf8');
    if (text.trim() !== '') return text;
  }
  return undefined;
}

/** The first non-empty value of the attribute whose lower-cased name is `wanted`. */
function lookUp(entry: Entry, wanted: string): string | undefined {
  let withOptions: string | undefined;
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn' && wanted !== 'dn') continue;
    const lower = key.toLowerCase();
    if (lower === wanted) {
      const value = firstNonEmpty(raw);
      if (value !== undefined) return value;
    } else if (withOptions === undefined && lower.split(';')[0] === wanted) {
      withOptions = firstNonEmpty(raw);
    }
  }
  return withOptions;
}

/**
 * The first non-empty value of attribute `name` in a search entry, as text. Attribute
 * names are compared case-insensitively (Active Directory answers `sAMAccountName` to a
 * request for `samaccountname`), standard aliases are understood (`commonName` = `cn`),
 * an exact name wins over one with options (`cn;lang-de`, `member;range=0-1499`),
 * multi-valued attributes give their first value, and Buffer values (binary or
 * non-UTF-8 attributes) are decoded as UTF-8.
 */
export function firstAttributeValue(entry: Entry, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const alias = ALIASES.get(wanted);
  return lookUp(entry, wanted) ?? (alias === undefined ? undefined : lookUp(entry, alias));
}
