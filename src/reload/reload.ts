import type { AppConfig } from '../config/app-config';
import { ConfigProblems, type LoadedConfig } from '../config/load-config';
import type { Reloadable } from './reloadable';

/** Where a reload reports: INFO lines written at every level, warnings, errors. */
export interface ReloadLog {
  readonly notice: (message: string) => void;
  readonly warn: (message: string) => void;
  readonly error: (message: string) => void;
}

export interface ReloadContext {
  /** Reads the configuration again as start-up does; throws ConfigProblems. */
  readonly load: () => LoadedConfig;
  readonly reloadables: readonly Reloadable[];
  readonly log: ReloadLog;
}

/**
 * One reload (SIGHUP): reads the configuration again and lets every reloadable take
 * over its part. Logs one INFO line per change, an ERROR line per part kept because
 * its new value is unusable, a WARNING when settings changed that need a restart, and
 * "nothing changed" otherwise. A configuration with errors changes nothing, and so does
 * one found in another file than at start-up (a file gone, and the defaults in its place,
 * would turn signing off).
 *
 * `running` is the configuration in effect; the result is the one in effect after the
 * reload (what was taken over replaced, everything else as it was).
 */
export function reloadConfiguration(running: AppConfig, context: ReloadContext): AppConfig {
  const { log } = context;
  let loaded: LoadedConfig;
  try {
    loaded = context.load();
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    for (const problem of error.problems) log.error(`SIGHUP: config error: ${problem}`);
    log.error('SIGHUP: the configuration has errors; nothing was reloaded');
    return running;
  }
  const { config: next, warnings } = loaded;
  if (next.sourceFile !== running.sourceFile) {
    log.error(
      `SIGHUP: the configuration would now come from ${next.sourceFile ?? 'no file (defaults)'} ` +
        `instead of ${running.sourceFile ?? 'no file (defaults)'}; nothing was reloaded ` +
        '(restart to change files)',
    );
    return running;
  }
  for (const warning of warnings) log.warn(`SIGHUP: ${warning}`);
  let effective: AppConfig = running;
  /** Lines written about changes, kept values and settings needing a restart. */
  let reported = 0;
  for (const reloadable of context.reloadables) {
    const outcome = reloadable.apply(next);
    switch (outcome.kind) {
      case 'unchanged':
        break;
      case 'changed':
        reported += 1;
        log.notice(`SIGHUP: ${outcome.message}`);
        effective = takeOver(effective, next, reloadable.fields);
        break;
      case 'kept':
        reported += 1;
        log.error(`SIGHUP: ${outcome.reason}`);
        break;
    }
  }
  const owned = new Set(context.reloadables.flatMap((reloadable) => reloadable.fields));
  const restartOnly = (Object.keys(next) as (keyof AppConfig)[]).filter(
    (field) => !owned.has(field) && !sameValue(next[field], running[field]),
  );
  if (restartOnly.length > 0) {
    reported += 1;
    const names = context.reloadables.map((reloadable) => reloadable.name).join(', ');
    log.warn(
      `SIGHUP: ${next.sourceFile ?? 'the configuration'} also changed settings that take ` +
        `effect only after a restart (a reload takes over ${names})`,
    );
  }
  if (reported === 0) log.notice('SIGHUP: nothing changed');
  return effective;
}

function takeOver(
  effective: AppConfig,
  next: AppConfig,
  fields: readonly (keyof AppConfig)[],
): AppConfig {
  const taken: Partial<AppConfig> = Object.fromEntries(fields.map((field) => [field, next[field]]));
  return { ...effective, ...taken };
}

/** Configuration values are plain data: equal when their JSON is. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
