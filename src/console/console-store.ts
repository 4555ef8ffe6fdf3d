import { Inject, Injectable, Logger } from '@nestjs/common';
import { loadConsoleAssets, type ConsoleAssets } from './console-assets';

/** The directory the console is served from (`consoleAssetsDir()` unless overridden). */
export const CONSOLE_ASSETS_DIR = Symbol('CONSOLE_ASSETS_DIR');

/**
 * The built console, read once when the application is built. Without a build the
 * console answers 503, and start-up says so once.
 */
@Injectable()
export class ConsoleStore {
  readonly assets: ConsoleAssets | null;

  constructor(@Inject(CONSOLE_ASSETS_DIR) dir: string) {
    this.assets = loadConsoleAssets(dir);
    if (this.assets === null) {
      new Logger('Console').warn(
        `the web console is not built (no ${dir}/index.html): /admin/ answers 503 until ` +
          '`npm run build` has run',
      );
    }
  }
}
