import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters: N (CPU/memory cost, a power of two), r (block size), p. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** A parsed `scrypt$N=…,r=…,p=…$<salt>$<key>` string (salt and key base64url). */
export interface ScryptHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** What new hashes use: 32 MiB and some 50–100 ms per verification on a server core. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Bounds on parameters read from a file: a hostile or corrupt file must not make one
 * verification take gigabytes or minutes. 128·N·r bytes is scrypt's memory.
 */
const MAX_MEMORY = 64 * 1024 * 1024;
const MAX_P = 4;

/** The file format of a hash. */
export function formatScryptHash(hash: ScryptHash): string {
  const { N, r, p } = hash.params;
  return `scrypt$N=${N},r=${r},p=${p}$${hash.salt.toString('base64url')}$${hash.key.toString('base64url')}`;
}

/**
 * Reads a hash string; throws an Error saying what is wrong (never echoing the string)
 * when it is not one this code would accept: unknown scheme, parameters out of bounds,
 * salt or key of odd lengths.
 */
export function parseScryptHash(text: string): ScryptHash {
  const match =
    /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(text);
  if (!match) throw new Error('not an scrypt hash ("scrypt$N=…,r=…,p=…$salt$key")');
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 ** 10 || (N & (N - 1)) !== 0) {
    throw new Error('scrypt N must be a power of two of at least 1024');
  }
  if (r < 1 || p < 1 || p > MAX_P || 128 * N * r > MAX_MEMORY) {
    throw new Error('scrypt parameters out of bounds (at most 64 MiB, p ≤ 4)');
  }
  const salt = Buffer.from(match[4] ?? '', 'base64url');
  const key = Buffer.from(match[5] ?? '', 'base64url');
  if (salt.length < 16 || salt.length > 64) throw new Error('scrypt salt must be 16–64 bytes');
  if (key.length < 16 || key.length > 64) throw new Error('scrypt key must be 16–64 bytes');
  return { params: { N, r, p }, salt, key };
}

/** A new salted hash of `secret`. */
export async function hashSecret(
  secret: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<ScryptHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, KEY_BYTES, params);
  return { params, salt, key };
}

/**
 * Whether `secret` is the one `hash` was made from. Always derives the key (in libuv's
 * thread pool, so the event loop keeps serving) and compares in constant time.
 */
export async function secretMatches(secret: string, hash: ScryptHash): Promise<boolean> {
  const key = await derive(secret, hash.salt, hash.key.length, hash.params);
  return timingSafeEqual(key, hash.key);
}

/** scrypt with room for exactly what the parameters need (OpenSSL's own accounting). */
function derive(
  secret: string,
  salt: Buffer,
  length: number,
  { N, r, p }: ScryptParams,
): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * r * (N + p + 2) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
