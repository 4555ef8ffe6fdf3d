import { headerValue, type HttpRequest } from '../../common/http-request';
import { AdminError } from '../admin-error';
import type { PageRequest, Precondition } from '../admin-store';
import { parseEntityTags } from '../etag';

/**
 * The request arguments of the admin routes, read the same way on both adapters (query
 * from the URL, headers, path parameters as the router decoded them). Anything invalid
 * is an AdminError 400 naming the parameter; unknown query parameters are ignored.
 */

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;
/** The longest domain name (RFC 1035), in characters. */
export const MAX_DOMAIN_NAME_LENGTH = 253;

const INT32_MAX = 2147483647;

export type ImportMode = 'merge' | 'replace';

/** An AdminError 400 for one parameter: `{"error": "limit: …", "field": "limit", …}`. */
export function badParameter(field: string, error: string): AdminError {
  return new AdminError(400, `${field}: ${error}`, { problems: [{ field, error }] });
}

/**
 * A query parameter's value, undefined when absent; given twice (`?mode=merge&mode=replace`)
 * it is ambiguous, and refused. Read from the URL as queryParam reads it.
 */
export function singleQueryParam(request: HttpRequest, name: string): string | undefined {
  const start = request.url.indexOf('?');
  if (start < 0) return undefined;
  const values = new URLSearchParams(request.url.slice(start + 1)).getAll(name);
  if (values.length > 1) throw badParameter(name, 'must be given once');
  return values[0];
}

/** `?limit=` (1–500, default 50) and `?cursor=` (opaque; the store refuses a bad one). */
export function pageRequest(request: HttpRequest): PageRequest {
  const limitText = singleQueryParam(request, 'limit');
  let limit = DEFAULT_PAGE_LIMIT;
  if (limitText !== undefined) {
    const value = /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(value >= 1 && value <= MAX_PAGE_LIMIT)) {
      throw badParameter('limit', `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
    }
    limit = value;
  }
  const cursor = singleQueryParam(request, 'cursor');
  if (cursor === '') throw badParameter('cursor', 'must not be empty');
  return cursor === undefined ? { limit } : { limit, cursor };
}

/** `?search=`: undefined when absent or empty (no filter). */
export function searchText(request: HttpRequest): string | undefined {
  const search = singleQueryParam(request, 'search');
  return search === undefined || search === '' ? undefined : search;
}

/** `?mode=` of POST /import: required, `merge` or `replace`. */
export function importMode(request: HttpRequest): ImportMode {
  const mode = singleQueryParam(request, 'mode');
  if (mode === 'merge' || mode === 'replace') return mode;
  throw badParameter(
    'mode',
    mode === undefined ? 'required (merge or replace)' : 'must be merge or replace',
  );
}

/** The `{name}` of a domain path, decoded by the router: 1 to 253 characters. */
export function domainName(param: string | undefined): string {
  const name = param ?? '';
  const length = [...name].length;
  if (length === 0 || length > MAX_DOMAIN_NAME_LENGTH) {
    throw badParameter('name', `must be 1 to ${MAX_DOMAIN_NAME_LENGTH} characters`);
  }
  return name;
}

/** The `{id}` of a shared row's path: a positive integer (as stored: 32 bits). */
export function rowId(param: string | undefined): number {
  const text = param ?? '';
  const id = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : NaN;
  if (!(id <= INT32_MAX)) throw badParameter('id', 'must be a positive integer');
  return id;
}

/**
 * `If-Match` and `If-None-Match` as the store's Precondition. If-None-Match is
 * supported as `*` only (PUT: must not exist); a list of entity tags there is refused.
 */
export function precondition(request: HttpRequest): Precondition {
  const ifMatch = parseEntityTags(headerValue(request, 'if-match'));
  const ifNoneMatch = parseEntityTags(headerValue(request, 'if-none-match'));
  if (ifNoneMatch !== undefined && (ifNoneMatch.length !== 1 || ifNoneMatch[0] !== '*')) {
    throw new AdminError(400, 'If-None-Match: only * is supported');
  }
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    ...(ifNoneMatch === undefined ? {} : { ifNoneMatch: '*' as const }),
  };
}
