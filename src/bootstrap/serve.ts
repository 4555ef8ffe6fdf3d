import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { AppLogger } from '../common/app-logger';
import { describeBuild } from '../common/build-info';
import { redactDbUri } from '../config/db-uri';
import type { AppConfig } from '../config/app-config';
import {
  ConfigProblems,
  loadConfig,
  type CommandLineOverrides,
  type LoadedConfig,
} from '../config/load-config';
import { Hangups } from '../reload/hangup';
import { reloadConfiguration } from '../reload/reload';
import { trackConnections, type ConnectionDrain } from './connection-drain';
import { boundHeapGrowth } from './heap-growth';
import { loadStartupConfig } from './startup-checks';
import { notifySystemdReady } from './systemd-notify';

export const EXIT_CONFIG_ERROR = 2;

export interface ServeOptions {
  /**
   * Set in a cluster worker (cluster-worker.ts): its id, shown in its log lines. The
   * primary has logged the configuration, announces the address and tells systemd.
   */
  readonly workerId?: number;
}

/** `http://host:port`, with brackets around an IPv6 address. */
export function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Loads the configuration, starts the server, reloads what it can on SIGHUP and stops
 * cleanly on SIGTERM/SIGINT. With `workers` > 1 this process becomes the cluster
 * primary instead (cluster.ts); it resolves to null then, as on a configuration error.
 */
export async function serve(
  overrides: CommandLineOverrides,
  options: ServeOptions = {},
): Promise<INestApplication | null> {
  const hangups = new Hangups();
  let loaded: LoadedConfig;
  try {
    // The checks `check-config` runs too (startup-checks.ts).
    loaded = await loadStartupConfig({ overrides });
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    return refuse(error);
  }
  const { config, warnings } = loaded;
  boundHeapGrowth();
  const worker = options.workerId ?? null;
  const logger = new AppLogger(config.loglevel, config.logFormat, undefined, worker);
  Logger.overrideLogger(logger);
  const log = new Logger('Main');
  if (worker === null) {
    for (const warning of warnings) log.warn(warning);
    // The file used is worth seeing at every level.
    logger.notice(
      config.sourceFile
        ? `configuration from ${config.sourceFile}`
        : 'no configuration file, using defaults',
      'Main',
    );
    log.log(`database ${redactDbUri(config.dbUri)}, HTTP adapter ${config.httpAdapter}`);
    if (config.workers > 1) {
      // Loaded only now: with one process, node:cluster stays out of the picture.
      const { runPrimary } = await import('./cluster');
      runPrimary(config, overrides, { log: new Logger('Cluster'), logger, hangups });
      return null;
    }
  }
  let app: INestApplication;
  try {
    // Loaded only now: a bad configuration is reported without loading the application.
    const { createApp } = await import('./create-app');
    app = await createApp(config, logger);
  } catch (error) {
    // Files named by the configuration are read again while the modules are built (the
    // mobileconfig signing PEMs): a file changed since the check stops start-up too.
    if (!(error instanceof ConfigProblems)) throw error;
    return refuse(error);
  }
  await app.listen(config.port, config.host);
  installSignalHandlers(
    app,
    trackConnections(app.getHttpServer() as HttpServer),
    logger,
    worker !== null,
  );
  if (worker !== null) {
    await reloadOnHangup(hangups, app, config, overrides, logger);
    return app;
  }
  // The bound port, which differs from the configured one for `--port 0`.
  const bound = (app.getHttpServer() as Server).address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.port;
  logger.notice(`${describeBuild()} listening on ${listenUrl(config.host, port)}`, 'Main');
  await reloadOnHangup(hangups, app, config, overrides, logger);
  const notified = await notifySystemdReady();
  if (notified.kind === 'failed') log.warn(notified.reason);
  return app;
}

function refuse(error: ConfigProblems): null {
  for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  process.exitCode = EXIT_CONFIG_ERROR;
  return null;
}

/**
 * The first SIGTERM/SIGINT closes the application. A second one ends a single process
 * at once; a worker ignores it (the primary forwards the signal that systemd or a
 * terminal may also have sent to the worker itself).
 */
function installSignalHandlers(
  app: INestApplication,
  connections: ConnectionDrain,
  logger: AppLogger,
  worker: boolean,
): void {
  const log = new Logger('Main');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.notice(`${signal}: finishing in-flight requests and shutting down`, 'Main');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    connections
      .drain()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  const listen = worker ? process.on.bind(process) : process.once.bind(process);
  listen('SIGTERM', stop);
  listen('SIGINT', stop);
}

/**
 * SIGHUP re-reads the configuration and takes over what can change safely
 * (reload/reloadables.ts); the server keeps serving throughout.
 */
async function reloadOnHangup(
  hangups: Hangups,
  app: INestApplication,
  startup: AppConfig,
  overrides: CommandLineOverrides,
  logger: AppLogger,
): Promise<void> {
  const { reloadables } = await import('../reload/reloadables');
  const log = new Logger('Reload');
  const context = {
    load: () => loadConfig({ overrides }),
    reloadables: reloadables(logger, startup, app),
    log: {
      notice: (message: string) => logger.notice(message, 'Reload'),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
  };
  let running = startup;
  hangups.handleWith(() => {
    try {
      running = reloadConfiguration(running, context);
    } catch (error) {
      log.error(`SIGHUP: reload failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
