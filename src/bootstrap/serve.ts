import type { Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { AppLogger } from '../common/app-logger';
import { redactDbUri } from '../config/db-uri';
import { ConfigProblems, loadConfig, type CommandLineOverrides } from '../config/load-config';
import { boundHeapGrowth } from './heap-growth';
import { notifySystemdReady } from './systemd-notify';

export const EXIT_CONFIG_ERROR = 2;

/** Loads the configuration, starts the server and stops it cleanly on SIGTERM/SIGINT. */
export async function serve(overrides: CommandLineOverrides): Promise<INestApplication | null> {
  let loaded;
  try {
    loaded = loadConfig({ overrides });
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exitCode = EXIT_CONFIG_ERROR;
    return null;
  }
  const { config, warnings } = loaded;
  boundHeapGrowth();
  const logger = new AppLogger(config.loglevel, config.logFormat);
  Logger.overrideLogger(logger);
  const log = new Logger('Main');
  for (const warning of warnings) log.warn(warning);
  // The file used is worth seeing at the default level too.
  log.warn(
    config.sourceFile
      ? `configuration from ${config.sourceFile}`
      : 'no configuration file, using defaults',
  );
  log.log(`database ${redactDbUri(config.dbUri)}, HTTP adapter ${config.httpAdapter}`);
  let app: INestApplication;
  try {
    // Loaded only now: a bad configuration is reported without loading the application.
    const { createApp } = await import('./create-app');
    app = await createApp(config, logger);
  } catch (error) {
    // Files named by the configuration are read while the modules are built (the
    // mobileconfig signing PEMs); their problems stop start-up like any bad value.
    if (!(error instanceof ConfigProblems)) throw error;
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exitCode = EXIT_CONFIG_ERROR;
    return null;
  }
  await app.listen(config.port, config.host);
  // The bound port, which differs from the configured one for `--port 0`.
  const bound = (app.getHttpServer() as Server).address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.port;
  log.warn(
    `listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
  );
  installSignalHandlers(app, log);
  const notified = await notifySystemdReady();
  if (notified.kind === 'failed') log.warn(notified.reason);
  return app;
}

function installSignalHandlers(app: INestApplication, log: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.warn(`${signal}: finishing in-flight requests and shutting down`);
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
