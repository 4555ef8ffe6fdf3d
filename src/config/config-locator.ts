import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LocatorEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly exists: (path: string) => boolean;
}

export const defaultLocatorEnv = (): LocatorEnv => ({
  env: process.env,
  home: homedir(),
  exists: existsSync,
});

/** automx2's search order; the first existing file wins. */
export function configSearchPath({ env, home }: Omit<LocatorEnv, 'exists'>): string[] {
  const paths: string[] = [];
  if (env.AUTOMX2_CONF) paths.push(env.AUTOMX2_CONF);
  paths.push(join(home, '.automx2.conf'), '/etc/automx2/automx2.conf', '/etc/automx2.conf');
  return paths;
}

export function locateConfigFile(locator: LocatorEnv = defaultLocatorEnv()): string | null {
  return configSearchPath(locator).find((path) => locator.exists(path)) ?? null;
}
