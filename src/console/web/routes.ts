/**
 * The console's pages, addressed by the URL's hash so that the server serves one page:
 * `#/` the domain list, `#/domains/<name>` one domain.
 */
export type Route =
  | { readonly page: 'domains' }
  | { readonly page: 'domain'; readonly name: string }
  | { readonly page: 'unknown' };

const DOMAIN = /^#\/domains\/([^/?#]+)\/?$/;

/** The route of a location hash; `null` for a hash that is no route (a page anchor). */
export function parseRoute(hash: string): Route | null {
  if (hash === '' || hash === '#' || hash === '#/') return { page: 'domains' };
  if (!hash.startsWith('#/')) return null;
  const match = DOMAIN.exec(hash);
  if (!match) return { page: 'unknown' };
  try {
    const name = decodeURIComponent(match[1] ?? '');
    return name === '' ? { page: 'unknown' } : { page: 'domain', name };
  } catch {
    return { page: 'unknown' };
  }
}

/** The hash of a domain's page: `#/domains/example.org`. */
export function domainHash(name: string): string {
  return `#/domains/${encodeURIComponent(name)}`;
}
