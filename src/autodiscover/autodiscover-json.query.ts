import type { HttpRequest } from '../common/http-request';

/**
 * A query parameter's first value with the name matched case-insensitively
 * (`Protocol`, `protocol`, `PROTOCOL`), otherwise read exactly as `queryParam` in
 * common/request-query.ts reads it: first value wins, array forms (`Protocol[]=`) are
 * other names and count as missing, `+` decodes to a space.
 */
export function queryParamIgnoringCase(request: HttpRequest, name: string): string | undefined {
  const start = request.url.indexOf('?');
  if (start < 0) return undefined;
  const wanted = name.toLowerCase();
  try {
    for (const [key, value] of new URLSearchParams(request.url.slice(start + 1))) {
      if (key.toLowerCase() === wanted) return value;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
