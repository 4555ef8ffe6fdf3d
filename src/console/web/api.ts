import { isErrorBody } from './problems';
import { loadToken } from './token';

/**
 * Calls the admin API (relative to the page at /admin/, so `api/v1/…`) with the
 * bearer token. Every answer comes back as {status, etag, body}; a 401 also signs the
 * console out through the handler App registers, since the token is no good for any
 * later call either.
 */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly etag: string | null;
  /** The parsed JSON body, or null when there is none or it is not JSON. */
  readonly body: T | null;
}

export interface ApiRequest {
  readonly method?: 'GET' | 'PUT';
  readonly body?: unknown;
  readonly ifMatch?: string;
  /** Aborts the call (a newer search replaces an older one). */
  readonly signal?: AbortSignal;
  /** Another token than the stored one (the sign-in form's, before it is kept). */
  readonly token?: string;
}

export const REFUSED_MESSAGE = 'The token was refused: sign in with a valid admin token.';

/** A call that did not get an HTTP answer, or got one that is not what the page expects. */
export class ApiError extends Error {}

let onUnauthorized: (message: string) => void = () => undefined;

export function setUnauthorizedHandler(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

export function apiPath(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, value);
  }
  const search = params.toString();
  return `api/v1/${path}${search === '' ? '' : `?${search}`}`;
}

export async function callApi<T>(path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
  const token = request.token ?? loadToken() ?? '';
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: `Bearer ${token}`,
  };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  if (request.ifMatch !== undefined) headers['If-Match'] = request.ifMatch;
  let response: Response;
  try {
    response = await fetch(path, {
      method: request.method ?? 'GET',
      headers,
      credentials: 'omit',
      cache: 'no-store',
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      ...(request.signal && { signal: request.signal }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('The server did not answer. Check that it runs, then try again.');
  }
  const body = await readJson<T>(response);
  if (response.status === 401 && request.token === undefined) onUnauthorized(REFUSED_MESSAGE);
  return { status: response.status, etag: response.headers.get('ETag'), body };
}

async function readJson<T>(response: Response): Promise<T | null> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return (await response.json()) as T;
  } catch {
    return null;
  }
}

/** The message of an answer that is not a success, for the page to show. */
export function errorMessage(answer: ApiAnswer<unknown>): string {
  if (isErrorBody(answer.body)) return answer.body.error;
  if (answer.status === 401) return REFUSED_MESSAGE;
  if (answer.status === 429) return 'Too many failed sign-ins: wait a minute, then try again.';
  return `The server answered ${answer.status}.`;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
