import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * The lower-cased spellings under which a domain may be stored: as given, its
 * punycode (ASCII) form and its Unicode form, so `bücher.example` and
 * `xn--bcher-kva.example` find the same row. The other forms count only when they
 * read back as the name: where they do not, host parsing has cut the name short (at
 * `/`, `\`, `?`, `#`) or mapped characters away (a soft hyphen), and the "other form"
 * is another domain (`example.com/x` would become `example.com`).
 */
export function domainLookupNames(domain: string): string[] {
  const given = domain.toLowerCase();
  const ascii = domainToASCII(given);
  if (ascii === '') return [given];
  const unicode = domainToUnicode(ascii).toLowerCase();
  if (ascii !== given && unicode !== given.normalize('NFC')) return [given];
  return [...new Set([given, ascii, unicode])];
}

/** One LDH label of an A-label host name: letters, digits and inner hyphens, 1–63 octets. */
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Whether `domain` is a host name as written, in Unicode or A-labels: its A-label form
 * has LDH labels of at most 63 octets and 253 in all, and reads back as what was
 * written (case and Unicode normalisation aside). The read-back refuses what IDNA
 * maps away or splits off — soft hyphens, zero-width characters, full-width dots,
 * `%`, `#`, `/` — so `exam\u00ADple.com` is not taken for `example.com`.
 */
export function isHostName(domain: string): boolean {
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > 253) return false;
  if (!ascii.split('.').every((label) => LDH_LABEL.test(label))) return false;
  const written = domain.normalize('NFC').toLowerCase();
  return written === ascii || written === domainToUnicode(ascii);
}
