import { Module } from '@nestjs/common';
import { consoleAssetsDir } from './console-assets';
import { ConsoleController } from './console.controller';
import { CONSOLE_ASSETS_DIR, ConsoleStore } from './console-store';

/**
 * The web console at `/admin/`: the built page and assets, served from memory.
 * AppModule imports it only with the admin API (the page is useless without it).
 */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_ASSETS_DIR, useFactory: consoleAssetsDir }, ConsoleStore],
})
export class ConsoleModule {}
