/**
 * `/initdb` and `/mobileconfig` redirect (308, query kept) to their canonical form with
 * a trailing slash, as automx2 does. Returns the target, or null for other paths.
 */
const REDIRECTED = /^\/(initdb|mobileconfig)$/i;

export function trailingSlashRedirect(url: string): string | null {
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  if (!REDIRECTED.test(path)) return null;
  return `${path}/${queryStart < 0 ? '' : url.slice(queryStart)}`;
}
