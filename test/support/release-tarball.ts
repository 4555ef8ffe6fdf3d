/**
 * The release tarball of scripts/release.js for tests: built into a directory of the
 * test's own (never release/ of the checkout) and unpacked with the system tar.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './dist';

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs scripts/release.js into `outDir`; returns the tarball's path. */
export async function buildRelease(outDir: string, timeoutMs: number): Promise<string> {
  try {
    await run(process.execPath, [join(ROOT, 'scripts', 'release.js'), '--out-dir', outDir], {
      cwd: ROOT,
      timeout: timeoutMs,
      maxBuffer: MAX_OUTPUT,
    });
  } catch (error) {
    // tsc and npm report on stdout, release.js on stderr: show the end of both.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${String(error)}\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
  const tarballs = readdirSync(outDir).filter((name) => name.endsWith('.tar.gz'));
  if (tarballs.length !== 1)
    throw new Error(`expected one tarball in ${outDir}: ${tarballs.join(', ')}`);
  return join(outDir, tarballs[0]!);
}

/** Unpacks `tarball` into `dir`; returns the one top-level directory it holds. */
export async function unpackRelease(tarball: string, dir: string): Promise<string> {
  await run('tar', ['-xzf', tarball, '-C', dir]);
  const entries = readdirSync(dir);
  if (entries.length !== 1)
    throw new Error(`expected one top-level directory: ${entries.join(', ')}`);
  return join(dir, entries[0]!);
}

export interface TarEntry {
  /** `-rw-r--r--`, `drwxr-xr-x`, … */
  readonly mode: string;
  /** `uid/gid` */
  readonly owner: string;
  readonly path: string;
}

/** `tar -tv`, one entry per line (GNU tar's layout). */
export async function listRelease(tarball: string): Promise<TarEntry[]> {
  const { stdout } = await run('tar', ['-tvzf', tarball, '--numeric-owner'], {
    maxBuffer: MAX_OUTPUT,
  });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [mode = '', owner = '', , , , ...rest] = line.split(/\s+/);
      const path = rest.join(' ').replace(/ -> .*$/, '');
      return { mode, owner, path };
    });
}
