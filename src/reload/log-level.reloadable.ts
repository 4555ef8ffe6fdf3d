import { nestLevelsFor, type AppLogger } from '../common/app-logger';
import type { LogLevel } from '../config/app-config';
import { UNCHANGED, type Reloadable } from './reloadable';

/** Whether INFO lines are written at `level`. */
const infoOn = (level: LogLevel) => nestLevelsFor(level).includes('log');

/**
 * `loglevel`: the logger follows the new level from the next line on. The access log
 * (INFO) is wired into the application at start-up only when INFO was on then
 * (AppModule), so raising the level to INFO adds it only with a restart.
 */
export function logLevelReloadable(logger: AppLogger, startLevel: LogLevel): Reloadable {
  return {
    name: 'loglevel',
    fields: ['loglevel'],
    apply: (next) => {
      const was = logger.level;
      if (next.loglevel === was) return UNCHANGED;
      logger.setLevel(next.loglevel);
      const accessLog =
        infoOn(next.loglevel) && !infoOn(startLevel)
          ? '; the access log starts only with a restart'
          : '';
      return {
        kind: 'changed',
        message: `loglevel is now ${next.loglevel} (was ${was})${accessLog}`,
      };
    },
  };
}
