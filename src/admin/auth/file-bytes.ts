import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** A small file's bytes, or `missing` when nothing exists at the path. */
export type FileBytes =
  | { readonly kind: 'missing' }
  | { readonly kind: 'read'; readonly bytes: Buffer; readonly stat: Stats };

/**
 * Reads a small regular file whole, following symlinks (a Kubernetes Secret swaps
 * them), at most `maxBytes`. Throws an Error with a short reason for anything else: not a
 * regular file (a FIFO would block, a directory is a mistake), too large, unreadable.
 * O_NONBLOCK keeps open() of a FIFO from waiting for a writer.
 */
export async function readFileBytes(path: string, maxBytes: number): Promise<FileBytes> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return missingOrThrow(error);
  }
  try {
    const stat = await handle.stat();
    checkSize(stat, maxBytes);
    const bytes = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > stat.size) throw new Error('grew while being read');
    }
    return { kind: 'read', bytes: bytes.subarray(0, length), stat };
  } finally {
    await handle.close();
  }
}

/** readFileBytes for code that cannot wait (a SIGHUP reload). */
export function readFileBytesSync(path: string, maxBytes: number): FileBytes {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return missingOrThrow(error);
  }
  try {
    const stat = fstatSync(fd);
    checkSize(stat, maxBytes);
    const bytes = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, bytes, length, bytes.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > stat.size) throw new Error('grew while being read');
    }
    return { kind: 'read', bytes: bytes.subarray(0, length), stat };
  } finally {
    closeSync(fd);
  }
}

/** Short reasons for the errors an operator can act on. */
const REASONS: ReadonlyMap<string, string> = new Map([
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['ENOENT', 'no such file or directory'],
  ['EROFS', 'read-only file system'],
  ['EISDIR', 'is a directory'],
  ['ENOTDIR', 'a part of the path is not a directory'],
  ['ELOOP', 'too many symbolic links'],
]);

/** The reason of a failed file operation, as one short phrase (no stack, no path twice). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === undefined ? undefined : REASONS.get(code);
  return reason ?? (error instanceof Error ? error.message : String(error));
}

function missingOrThrow(error: unknown): FileBytes {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
  throw new Error(fileErrorReason(error));
}

function checkSize(stat: Stats, maxBytes: number): void {
  if (!stat.isFile()) throw new Error('not a regular file');
  if (stat.size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
}
