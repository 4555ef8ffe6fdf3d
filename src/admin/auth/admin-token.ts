import { randomBytes } from 'node:crypto';

/**
 * An admin token: `amx2_<id>_<secret>`. The id (hex, public: it is stored in the token
 * file) finds the file's entry; the secret (32 random bytes, base64url) is checked
 * against that entry's scrypt hash. The prefix makes leaked tokens easy to recognise
 * (secret scanners).
 */
export const TOKEN_PREFIX = 'amx2_';

const ID_BYTES = 8;
const SECRET_BYTES = 32;

/** Ids are lower-case hex (no `_`, so the secret starts after the first `_` past the prefix). */
const ID_PATTERN = /^[0-9a-f]{8,64}$/;
/** The token as a whole; bounded so that nothing long reaches scrypt. */
const TOKEN_PATTERN = /^amx2_([0-9a-f]{8,64})_([A-Za-z0-9_-]{32,128})$/;
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface TokenParts {
  readonly id: string;
  readonly secret: string;
}

export interface NewToken extends TokenParts {
  /** What the client sends: `amx2_<id>_<secret>`. Shown once, never stored. */
  readonly token: string;
}

/** A fresh random token. */
export function generateToken(): NewToken {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, token: `${TOKEN_PREFIX}${id}_${secret}` };
}

/** The id and secret of a token, or null when it is not shaped like one of ours. */
export function parseToken(token: string): TokenParts | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { id: match[1], secret: match[2] };
}

export function isTokenId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Token names: 1–64 characters of A–Z, a–z, 0–9, `.`, `_` and `-`. */
export function isTokenName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export const TOKEN_NAME_RULE = '1–64 characters of A-Z, a-z, 0-9, ".", "_" and "-"';
