import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An empty configuration file (`[automx2]` only) in `dir`, for a spawned server or CLI:
 * a file of the test's own keeps the machine's configuration out, and AUTOMX2_CONF must
 * name a file that exists. Returns its path.
 */
export function emptyConfigFile(dir: string): string {
  const file = join(dir, 'empty.conf');
  writeFileSync(file, '[automx2]\n');
  return file;
}
