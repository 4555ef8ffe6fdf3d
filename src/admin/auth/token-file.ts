import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { generateToken, isTokenName, TOKEN_NAME_RULE } from './admin-token';
import { fileErrorReason, readFileBytes } from './file-bytes';
import {
  createdAt,
  MAX_TOKEN_FILE_BYTES,
  parseTokenFile,
  serialiseTokenFile,
  TokenFileError,
  type LoadedToken,
  type TokenEntry,
} from './token-file-format';
import { formatScryptHash, hashSecret } from './token-hash';
import { withFileLock } from './file-lock';

/**
 * The token file on disk: what the CLI (`automx2-nest token`) changes and the server
 * reads (TokenStore). Writes replace the file atomically (a temporary file in the same
 * directory, then rename), so a server never reads half a file; they are serialised by
 * a lock file beside it, so two commands at once do not lose each other's change.
 */

/** The entries of the file; none when it does not exist. TokenFileError when unusable. */
export async function readTokenFile(path: string): Promise<LoadedToken[]> {
  let read;
  try {
    read = await readFileBytes(path, MAX_TOKEN_FILE_BYTES);
  } catch (error) {
    throw new TokenFileError((error as Error).message, path);
  }
  if (read.kind === 'missing') return [];
  return parseTokenBytes(path, read.bytes);
}

/** Parses the file's bytes; TokenFileError messages start with the path. */
export function parseTokenBytes(path: string, bytes: Buffer): LoadedToken[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TokenFileError('not UTF-8 text', path);
  }
  try {
    return parseTokenFile(text);
  } catch (error) {
    if (error instanceof TokenFileError) throw new TokenFileError(error.reason, path);
    throw error;
  }
}

/**
 * Adds a token named `name` and returns it: the only time it exists outside the client
 * (the file keeps a salted scrypt hash of its secret). Refuses a name in use.
 */
export async function createToken(path: string, name: string): Promise<string> {
  if (!isTokenName(name)) {
    throw new TokenFileError(
      `invalid token name ${JSON.stringify(name)}: expected ${TOKEN_NAME_RULE}`,
    );
  }
  return updateTokenFile(path, async (entries) => {
    if (entries.some((entry) => entry.name === name)) {
      throw new TokenFileError(`a token named "${name}" exists already (revoke it first)`, path);
    }
    let fresh = generateToken();
    // Ids are random (64 bits); a clash is merely astronomically unlikely.
    while (entries.some((entry) => entry.id === fresh.id)) fresh = generateToken();
    const hash = formatScryptHash(await hashSecret(fresh.secret));
    const entry: TokenEntry = { name, id: fresh.id, hash, created: createdAt(new Date()) };
    return { entries: [...entries, entry], result: fresh.token };
  });
}

/** Removes the token named `name`; false when there is none (the file is left as it is). */
export async function revokeToken(path: string, name: string): Promise<boolean> {
  return updateTokenFile(path, (entries) => {
    const kept = entries.filter((entry) => entry.name !== name);
    const found = kept.length < entries.length;
    return Promise.resolve({ entries: found ? kept : null, result: found });
  });
}

/** Names and creation times, in file order; never ids or hashes. */
export async function listTokens(path: string): Promise<{ name: string; created: string }[]> {
  return (await readTokenFile(path)).map(({ name, created }) => ({ name, created }));
}

/** What a change does: the new entries (null: leave the file alone) and its result. */
interface Update<T> {
  readonly entries: readonly TokenEntry[] | null;
  readonly result: T;
}

async function updateTokenFile<T>(
  path: string,
  change: (entries: readonly TokenEntry[]) => Promise<Update<T>>,
): Promise<T> {
  // Through a symlink, the file it points to is replaced, not the link.
  const target = await resolvedPath(path);
  return withFileLock(`${target}.lock`, async () => {
    const { entries, result } = await change(await readTokenFile(target));
    if (entries !== null) await replaceFile(target, serialiseTokenFile(entries));
    return result;
  });
}

async function resolvedPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw new TokenFileError(fileErrorReason(error), path);
  }
}

/**
 * Writes `text` to a temporary file beside `path` and renames it over `path`. The new
 * file keeps the mode and owner of the old one (a root shell must not leave a file the
 * server's user cannot read); a new file is 0600.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new TokenFileError(fileErrorReason(error), path);
  });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const mode = existing ? existing.mode & 0o7777 : 0o600;
  let handle;
  try {
    handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
  } catch (error) {
    throw new TokenFileError(`cannot write: ${fileErrorReason(error)}`, dirname(path));
  }
  try {
    try {
      if (existing) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
      // Explicitly: the umask would otherwise narrow a kept mode.
      await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new TokenFileError(`cannot write: ${fileErrorReason(error)}`, path);
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename durable; not every file system supports it, so failures are ignored. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}
