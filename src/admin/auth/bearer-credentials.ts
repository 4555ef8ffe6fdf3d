/** What an Authorization header holds, as far as the admin API cares. */
export type BearerCredentials =
  /** No header, an empty one, another scheme (Basic), or `Bearer` without a token. */
  | { readonly kind: 'none' }
  /** `Bearer` with more than one token, or characters a bearer token cannot have. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'token'; readonly token: string };

/** Longer credentials are refused unread (ours are some 70 characters). */
const MAX_TOKEN_LENGTH = 512;

/** RFC 6750's b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Reads `Authorization: Bearer <token>` (the scheme in any case, exactly one token).
 * Several Authorization headers are malformed: which one counts would be a guess.
 */
export function readBearerCredentials(header: string | string[] | undefined): BearerCredentials {
  if (Array.isArray(header)) return header.length === 0 ? NONE : MALFORMED;
  const value = header?.trim() ?? '';
  const match = /^bearer(?:[ \t]+(.*))?$/is.exec(value);
  if (!match) return NONE;
  const credentials = (match[1] ?? '').trim();
  if (credentials === '') return NONE;
  if (credentials.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(credentials)) return MALFORMED;
  return { kind: 'token', token: credentials };
}

const NONE: BearerCredentials = { kind: 'none' };
const MALFORMED: BearerCredentials = { kind: 'malformed' };
