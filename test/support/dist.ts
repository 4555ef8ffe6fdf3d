import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const DIST_MAIN = join(ROOT, 'dist', 'main.js');
export const DIST_CLI = join(ROOT, 'dist', 'cli.js');

/** Brings dist/ up to date (a no-op when `npm test` already built it). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'start.js'), '--build-only'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 180_000,
  });
}
