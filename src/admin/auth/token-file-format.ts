import { isTokenId, isTokenName, TOKEN_NAME_RULE } from './admin-token';
import { parseScryptHash, type ScryptHash } from './token-hash';

/**
 * The token file (`admin_tokens_file`), JSON:
 * `{"version": 1, "tokens": [{"name", "id", "hash", "created"}]}`. It holds names,
 * public ids and scrypt hashes of the secrets, never a token.
 */
export const TOKEN_FILE_VERSION = 1;

/** Larger files are refused unread (some 5,000 tokens fit). */
export const MAX_TOKEN_FILE_BYTES = 1024 * 1024;

/** One entry as stored. */
export interface TokenEntry {
  readonly name: string;
  readonly id: string;
  /** `scrypt$N=…,r=…,p=…$salt$key` */
  readonly hash: string;
  /** ISO 8601 UTC, whole seconds: `2026-12-02T08:00:00Z`. */
  readonly created: string;
}

/** An entry with its hash parsed, ready for verification. */
export interface LoadedToken extends TokenEntry {
  readonly scrypt: ScryptHash;
}

/**
 * The file cannot be used, or a change to it is refused. `reason` says why without
 * quoting the file's content; the message is `path: reason` when the path is known.
 */
export class TokenFileError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string | null = null,
  ) {
    super(path === null ? reason : `${path}: ${reason}`);
    this.name = new.target.name;
  }
}

const ENTRY_FIELDS = ['name', 'id', 'hash', 'created'] as const;
const CREATED_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * Reads the file's text strictly: every problem is a TokenFileError naming the field
 * (`tokens[2].hash: …`). Duplicate names or ids, unknown fields and values of the wrong
 * type are refused, so that a hand-edited file never half-works.
 */
export function parseTokenFile(text: string): LoadedToken[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_TOKEN_FILE_BYTES) {
    throw new TokenFileError(`larger than ${MAX_TOKEN_FILE_BYTES} bytes: not a token file`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which may hold hashes: say less.
    throw new TokenFileError('not valid JSON');
  }
  if (!isPlainObject(document)) throw new TokenFileError('expected a JSON object');
  for (const key of Object.keys(document)) {
    if (key !== 'version' && key !== 'tokens')
      throw new TokenFileError(`unknown field ${quote(key)}`);
  }
  if (document.version !== TOKEN_FILE_VERSION) {
    throw new TokenFileError(`version: expected ${TOKEN_FILE_VERSION}`);
  }
  const tokens = document.tokens;
  if (!Array.isArray(tokens)) throw new TokenFileError('tokens: expected an array');
  const names = new Set<string>();
  const ids = new Set<string>();
  return tokens.map((entry: unknown, index) => {
    const token = parseEntry(entry, `tokens[${index}]`);
    if (names.has(token.name)) {
      throw new TokenFileError(`tokens[${index}].name: ${quote(token.name)} appears twice`);
    }
    if (ids.has(token.id)) throw new TokenFileError(`tokens[${index}].id: appears twice`);
    names.add(token.name);
    ids.add(token.id);
    return token;
  });
}

/** The file's text for `entries`, in their order, ending in a newline. */
export function serialiseTokenFile(entries: readonly TokenEntry[]): string {
  const tokens = entries.map(({ name, id, hash, created }) => ({ name, id, hash, created }));
  return `${JSON.stringify({ version: TOKEN_FILE_VERSION, tokens }, null, 2)}\n`;
}

/** `created` for an entry made at `date`. */
export function createdAt(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function parseEntry(entry: unknown, path: string): LoadedToken {
  if (!isPlainObject(entry)) throw new TokenFileError(`${path}: expected an object`);
  for (const key of Object.keys(entry)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) {
      throw new TokenFileError(`${path}: unknown field ${quote(key)}`);
    }
  }
  const text = (field: (typeof ENTRY_FIELDS)[number]): string => {
    const value = entry[field];
    if (typeof value !== 'string') throw new TokenFileError(`${path}.${field}: expected a string`);
    return value;
  };
  const [name, id, hash, created] = ENTRY_FIELDS.map(text) as [string, string, string, string];
  if (!isTokenName(name)) throw new TokenFileError(`${path}.name: expected ${TOKEN_NAME_RULE}`);
  if (!isTokenId(id)) throw new TokenFileError(`${path}.id: expected 8–64 hex digits`);
  if (!CREATED_PATTERN.test(created) || Number.isNaN(Date.parse(created))) {
    throw new TokenFileError(`${path}.created: expected a UTC time (2026-12-02T08:00:00Z)`);
  }
  let scrypt: ScryptHash;
  try {
    scrypt = parseScryptHash(hash);
  } catch (error) {
    throw new TokenFileError(`${path}.hash: ${(error as Error).message}`);
  }
  return { name, id, hash, created, scrypt };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key or name as JSON, cut short: keys of a hostile file can be long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
