import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@nestjs/common';
import type { AppLogger } from '../common/app-logger';
import { describeBuild } from '../common/build-info';
import type { AppConfig } from '../config/app-config';
import { relayChangesBetweenWorkers } from '../database/change-broadcast.cluster';
import { loadConfig, type CommandLineOverrides } from '../config/load-config';
import type { Hangups } from '../reload/hangup';
import { reloadConfiguration } from '../reload/reload';
import { reloadables } from '../reload/reloadables';
import {
  afterListening,
  classifyExit,
  decideRestart,
  INITIAL_RESTART_STATE,
  restartPolicy,
  type RestartState,
} from './cluster-policy';
import { EXIT_CONFIG_ERROR, listenUrl } from './serve';
import { notifySystemdReady } from './systemd-notify';

/** The script each worker runs (the compiled cluster-worker.ts beside this file). */
export const WORKER_SCRIPT = join(__dirname, 'cluster-worker.js');

/**
 * How long the primary waits for its workers after SIGTERM/SIGINT (each takes at most
 * 10 s itself); below the unit's TimeoutStopSec (contrib/systemd).
 */
export const STOP_TIMEOUT_MS = 12_000;

/** The worker's command line: the --host/--port the primary was given. */
export function workerArgs(overrides: CommandLineOverrides): string[] {
  return [
    ...(overrides.host === undefined ? [] : ['--host', overrides.host]),
    ...(overrides.port === undefined ? [] : ['--port', String(overrides.port)]),
  ];
}

export interface PrimaryLogging {
  /** Context `Cluster`. */
  readonly log: Logger;
  /** The process's logger: notices, and the level a reload changes. */
  readonly logger: AppLogger;
  /** SIGHUP, handled from the start of the process (serve.ts). */
  readonly hangups: Hangups;
}

/**
 * The primary of `workers` > 1 (node:cluster): forks the workers, which share the
 * listen socket and load the same configuration; reports readiness once all listen;
 * replaces workers that exit (cluster-policy.ts); forwards SIGTERM/SIGINT and exits
 * once every worker has; forwards SIGHUP, on which each worker reloads for itself; passes
 * a worker's data changes on to the others (change-broadcast.cluster.ts).
 */
export function runPrimary(
  config: AppConfig,
  overrides: CommandLineOverrides,
  { log, logger, hangups }: PrimaryLogging,
): void {
  cluster.setupPrimary({ exec: WORKER_SCRIPT, args: workerArgs(overrides) });
  relayChangesBetweenWorkers(cluster);
  const policy = restartPolicy(config.workers);
  const alive = new Map<number, Worker>();
  const listening = new Set<number>();
  const pending = new Set<NodeJS.Timeout>();
  let restarts: RestartState = INITIAL_RESTART_STATE;
  let ready = false;
  let stopping = false;
  let exitCode = 0;
  const name = (worker: Worker) => `worker ${worker.id} (pid ${worker.process.pid})`;

  const fork = () => {
    const worker = cluster.fork();
    alive.set(worker.id, worker);
    log.log(`${name(worker)} started`);
  };

  const stop = (code: number, signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    if (alive.size === 0) process.exit(exitCode);
    for (const worker of alive.values()) worker.process.kill(signal);
    const force = setTimeout(() => {
      log.error(`${alive.size} worker(s) still running after ${STOP_TIMEOUT_MS / 1000} s, killing`);
      for (const worker of alive.values()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
  };

  cluster.on('listening', (worker, address) => {
    // Fastify listens once per address of a name such as localhost.
    if (listening.has(worker.id) || !alive.has(worker.id)) return;
    listening.add(worker.id);
    restarts = afterListening(restarts);
    if (ready) {
      log.log(`${name(worker)} listening (replacement)`);
      return;
    }
    log.log(`${name(worker)} listening`);
    if (listening.size < config.workers || stopping) return;
    ready = true;
    logger.notice(
      `${describeBuild()} listening on ${listenUrl(config.host, address.port)} ` +
        `with ${config.workers} workers`,
      'Cluster',
    );
    void notifySystemdReady().then((notified) => {
      if (notified.kind === 'failed') log.warn(notified.reason);
    });
  });

  cluster.on('exit', (worker, code, signal) => {
    alive.delete(worker.id);
    const listened = listening.delete(worker.id);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    switch (classifyExit(code, stopping)) {
      case 'stopping':
        if (alive.size === 0) {
          logger.notice('all workers stopped', 'Cluster');
          process.exit(exitCode);
        }
        return;
      case 'config-error':
        log.error(`${name(worker)} refused the configuration; stopping`);
        stop(EXIT_CONFIG_ERROR, 'SIGTERM');
        return;
      case 'unexpected': {
        const decision = decideRestart(restarts, { at: performance.now(), listened }, policy);
        restarts = decision.state;
        if (decision.kind === 'give-up') {
          log.error(`${name(worker)} exited (${how}); ${decision.reason}: giving up`);
          stop(1, 'SIGTERM');
          return;
        }
        const delay = decision.delayMs;
        log.error(
          `${name(worker)} exited unexpectedly (${how}); starting a replacement` +
            (delay > 0 ? ` in ${delay / 1000} s` : ''),
        );
        const timer = setTimeout(() => {
          pending.delete(timer);
          if (!stopping) fork();
        }, delay);
        pending.add(timer);
      }
    }
  });

  // A repeated signal (systemd signals every process of the unit, a terminal the
  // whole process group) changes nothing: the workers are already stopping.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    logger.notice(`${signal}: stopping ${alive.size} workers`, 'Cluster');
    stop(0, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // The workers reload and report for themselves; this process only takes over the
  // log level. A worker still starting reads the files anyway (and may not handle
  // SIGHUP yet), so only listening ones are told.
  const reload = {
    load: () => loadConfig({ overrides }),
    reloadables: reloadables(logger, config, null),
    log: { notice: () => undefined, warn: () => undefined, error: () => undefined },
  };
  let running = config;
  hangups.handleWith(() => {
    if (stopping) return;
    try {
      running = reloadConfiguration(running, reload);
    } catch {
      // The workers report the same problem.
    }
    const told = [...alive.values()].filter((worker) => listening.has(worker.id));
    for (const worker of told) worker.process.kill('SIGHUP');
    logger.notice(`SIGHUP: passed on to ${told.length} workers`, 'Cluster');
  });

  for (let i = 0; i < config.workers; i += 1) fork();
}
