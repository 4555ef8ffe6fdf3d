import { headerValue, type HttpRequest } from './http-request';

/**
 * The host name the client asked for, without port: `X-Forwarded-Host` (its entry
 * `proxyCount` from the right) when proxies are trusted, else `Host`.
 */
export function requestHost(request: HttpRequest, proxyCount: number): string | undefined {
  let host: string | undefined;
  if (proxyCount > 0) {
    const forwarded = headerValue(request, 'x-forwarded-host');
    const entries =
      forwarded
        ?.split(',')
        .map((entry) => entry.trim())
        .filter(Boolean) ?? [];
    if (entries.length >= proxyCount) host = entries[entries.length - proxyCount];
  }
  host ??= headerValue(request, 'host');
  if (!host) return undefined;
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1) || undefined;
  return value.replace(/:\d*$/, '') || undefined;
}
