import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './cli.errors';

/**
 * Writes everything `source` yields to `path`, replacing the file only once `source`
 * has ended: until then the bytes go to a temporary file beside it, renamed over `path`
 * at the end. So a source that fails half-way (a database that goes away during an
 * export) leaves an earlier file as it was, and never a truncated one. A new file is
 * owner-only (0600, it may hold secrets); a file replaced keeps its permissions; a
 * symbolic link is followed (its target is replaced). A path that is no regular file
 * (a FIFO, /dev/stdout) is written directly.
 *
 * Errors of the source pass unchanged; errors of the file system are a CliError naming
 * the path.
 */
export async function replaceFile(path: string, source: Readable): Promise<void> {
  const target = await followLink(path);
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isFile()) {
    return copy(source, path, () => createWriteStream(target, { flags: 'w' }));
  }
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await copy(source, path, () => createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
    await writeCheck(path, async () => {
      const file = await open(temporary, 'r+');
      try {
        await file.sync();
      } finally {
        await file.close();
      }
      if (existing) await chmod(temporary, existing.mode & 0o7777);
      await rename(temporary, target);
    });
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The target of a symbolic link (the path itself otherwise, or when the link dangles). */
async function followLink(path: string): Promise<string> {
  const entry = await lstat(path).catch(() => null);
  if (!entry?.isSymbolicLink()) return path;
  return realpath(path).catch(() => path);
}

async function copy(
  source: Readable,
  path: string,
  sink: () => NodeJS.WritableStream,
): Promise<void> {
  let sourceError: unknown = null;
  source.once('error', (error) => (sourceError = error));
  try {
    await pipeline(source, sink());
  } catch (error) {
    if (error === sourceError) throw error;
    throw cannotWrite(path, error);
  }
}

async function writeCheck(path: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

function cannotWrite(path: string, error: unknown): CliError {
  return new CliError(`${path}: cannot write: ${reason(error)}`);
}

/** An error's message without the ", open '<path>'" of Node's (the temporary file's path). */
function reason(error: unknown): string {
  const { message, syscall } = (error ?? {}) as { message?: unknown; syscall?: unknown };
  if (typeof message !== 'string') return String(error);
  const cut = typeof syscall === 'string' ? message.indexOf(`, ${syscall} '`) : -1;
  return cut === -1 ? message : message.slice(0, cut);
}
