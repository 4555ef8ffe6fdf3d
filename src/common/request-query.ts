import type { HttpRequest } from './http-request';

/**
 * A query parameter's first value, read from the URL the same way on every adapter.
 * Array forms (`name[]=`, `name[x]=`) are other names, so they count as missing; `+`
 * decodes to a space, as in every form decoder.
 */
export function queryParam(request: HttpRequest, name: string): string | undefined {
  const start = request.url.indexOf('?');
  if (start < 0) return undefined;
  try {
    return new URLSearchParams(request.url.slice(start + 1)).get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
