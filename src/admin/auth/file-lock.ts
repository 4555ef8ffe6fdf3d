import { constants } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { fileErrorReason } from './file-bytes';
import { TokenFileError } from './token-file-format';

/** How long to wait for another command's lock. */
const WAIT_MS = 10_000;
/** A lock older than this was left by a command that died: it is taken over. */
const STALE_MS = 60_000;
const RETRY_MS = 50;

/**
 * Runs `work` while holding the lock file `lockPath` (created exclusively, removed
 * afterwards), so that read-change-write cycles of concurrent commands do not overlap.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  await acquire(lockPath);
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function acquire(lockPath: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(
        lockPath,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new TokenFileError(
          `cannot create the lock file: ${fileErrorReason(error)}`,
          lockPath,
        );
      }
    }
    if (await stale(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new TokenFileError(
        'another command is changing the token file (remove this lock file if none is running)',
        lockPath,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

async function stale(lockPath: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > STALE_MS;
  } catch {
    // Gone meanwhile: try again at once.
    return true;
  }
}
