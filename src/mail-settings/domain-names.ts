import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * The lower-cased spellings under which a domain may be stored: as given, its
 * punycode (ASCII) form and its Unicode form, so `bücher.example` and
 * `xn--bcher-kva.example` find the same row.
 */
export function domainLookupNames(domain: string): string[] {
  const given = domain.toLowerCase();
  const names = new Set([given]);
  const ascii = domainToASCII(given);
  if (ascii) {
    names.add(ascii);
    const unicode = domainToUnicode(ascii);
    if (unicode) names.add(unicode.toLowerCase());
  }
  return [...names];
}
