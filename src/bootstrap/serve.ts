import type { Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { AppLogger } from '../common/app-logger';
import { redactDbUri } from '../config/db-uri';
import {
  ConfigProblems,
  loadConfig,
  type CommandLineOverrides,
  type LoadedConfig,
} from '../config/load-config';
import { boundHeapGrowth } from './heap-growth';
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
 * Loads the configuration, starts the server and stops it cleanly on SIGTERM/SIGINT.
 * With `workers` > 1 this process becomes the cluster primary instead (cluster.ts);
 * it resolves to null then, as on a configuration error.
 */
export async function serve(
  overrides: CommandLineOverrides,
  options: ServeOptions = {},
): Promise<INestApplication | null> {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ overrides });
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
    // The file used is worth seeing at the default level too.
    log.warn(
      config.sourceFile
        ? `configuration from ${config.sourceFile}`
        : 'no configuration file, using defaults',
    );
    log.log(`database ${redactDbUri(config.dbUri)}, HTTP adapter ${config.httpAdapter}`);
    if (config.workers > 1) {
      // Loaded only now: with one process, node:cluster stays out of the picture.
      const { runPrimary } = await import('./cluster');
      runPrimary(config, overrides, new Logger('Cluster'));
      return null;
    }
  }
  let app: INestApplication;
  try {
    // Loaded only now: a bad configuration is reported without loading the application.
    const { createApp } = await import('./create-app');
    app = await createApp(config, logger);
  } catch (error) {
    // Files named by the configuration are read while the modules are built (the
    // mobileconfig signing PEMs); their problems stop start-up like any bad value.
    if (!(error instanceof ConfigProblems)) throw error;
    return refuse(error);
  }
  await app.listen(config.port, config.host);
  installSignalHandlers(app, log, worker !== null);
  if (worker !== null) return app;
  // The bound port, which differs from the configured one for `--port 0`.
  const bound = (app.getHttpServer() as Server).address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.port;
  log.warn(`listening on ${listenUrl(config.host, port)}`);
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
function installSignalHandlers(app: INestApplication, log: Logger, worker: boolean): void {
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
  const listen = worker ? process.on.bind(process) : process.once.bind(process);
  listen('SIGTERM', stop);
  listen('SIGINT', stop);
}
