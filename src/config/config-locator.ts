import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LocatorEnv {
  readonly env: NodeJS.ProcessEnv;
  /** The home directory; empty when there is none. */
  readonly home: string;
  readonly exists: (path: string) => boolean;
}

export const defaultLocatorEnv = (): LocatorEnv => ({
  env: process.env,
  home: homeDirectory(),
  exists: existsSync,
});

/** os.homedir(), or empty when it fails (no HOME and no password entry for the user). */
function homeDirectory(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

/** The configuration file to read, and why it is that one. */
export interface ConfigLocation {
  readonly path: string;
  /**
   * Named by AUTOMX2_CONF: it must be read, a missing or unreadable file is a problem
   * (automx2 would fall through to the standard locations, or to the defaults).
   */
  readonly named: boolean;
}

/** automx2's search order: AUTOMX2_CONF (when set and not empty), then the standard files. */
export function configSearchPath({ env, home }: Omit<LocatorEnv, 'exists'>): string[] {
  const paths: string[] = [];
  if (env.AUTOMX2_CONF) paths.push(env.AUTOMX2_CONF);
  if (home !== '') paths.push(join(home, '.automx2.conf'));
  paths.push('/etc/automx2/automx2.conf', '/etc/automx2.conf');
  return paths;
}

/**
 * The file AUTOMX2_CONF names, whether it exists or not; without it, the first standard
 * location that exists; null when none does.
 */
export function locateConfigFile(locator: LocatorEnv = defaultLocatorEnv()): ConfigLocation | null {
  const named = locator.env.AUTOMX2_CONF;
  if (named) return { path: named, named: true };
  const path = configSearchPath(locator).find((candidate) => locator.exists(candidate));
  return path === undefined ? null : { path, named: false };
}
