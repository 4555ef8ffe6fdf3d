import { domainToASCII } from 'node:url';

const FALLBACK_NAME = 'profile';

/** ASCII outside `[A-Za-z0-9.-]`; non-ASCII stays for the IDN conversion. */
// eslint-disable-next-line no-control-regex -- NUL and other controls are exactly what is removed
const UNSAFE_ASCII = /[\u0000-\u002C\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007F]/g;

/**
 * `Content-Disposition` for a profile download: `attachment; filename="<domain>.mobileconfig"`,
 * ASCII only (a raw non-ASCII header value makes Node throw). Unsafe ASCII is dropped
 * first (so `domainToASCII`, which parses like a URL host, never sees `/`, `%` or `:`),
 * then an IDN becomes its punycode form, anything still outside `[A-Za-z0-9.-]` is
 * dropped, as are leading and trailing dots (no hidden files, no `example.com..`); an
 * empty result falls back to `profile`.
 */
export function contentDispositionFilename(domain: string): string {
  const candidate = domain.replace(UNSAFE_ASCII, '');
  const ascii = domainToASCII(candidate) || candidate;
  const safe = ascii.replace(/[^A-Za-z0-9.-]/g, '').replace(/^\.+|\.+$/g, '');
  return `attachment; filename="${safe || FALLBACK_NAME}.mobileconfig"`;
}
