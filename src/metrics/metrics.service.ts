import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { buildInfo } from '../common/build-info';

/** Set on the Node response by RouteLabelGuard: the route pattern the request matched. */
export const ROUTE_LABEL = Symbol('automx2.metrics.route');
const STARTED_AT = Symbol('automx2.metrics.startedAt');

/** What MetricsService keeps on Node's response object for the duration of a request. */
interface MeasuredResponse extends ServerResponse {
  [ROUTE_LABEL]?: string;
  [STARTED_AT]?: number;
}

/** The route label of requests that never reached a handler (404, 405, 308, 413, …). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Caches that may report hits and misses (bounded label values). */
export type CacheName = 'directory' | 'settings';

const SIGNING_EXPIRY_METRIC = 'automx2_signing_certificate_expiry_seconds';
const CHANGE_LISTENER_METRIC = 'automx2_change_listener_up';
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BACKEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3];

interface RouteLabels {
  readonly route: { readonly route: string };
  readonly byStatus: Map<number, { readonly route: string; readonly status: string }>;
}

/**
 * Prometheus metrics of this application instance, rendered by GET /metrics.
 *
 * HTTP requests are measured in one place: a listener put in front of the HTTP
 * server's own `request` listener stamps the start time on Node's response, and one
 * shared `finish` listener (no closure per request) records status, route and
 * duration. The route label is the pattern of the handler (set by RouteLabelGuard),
 * never the raw URL, so label values stay bounded whatever clients send. Label objects
 * are built once per route and status and reused.
 *
 * Database and directory code report through `observeDb` / `observeDirectory`;
 * process metrics (CPU, memory, event loop, GC) are collected once per process.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'automx2_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'automx2_http_request_duration_seconds',
    help: 'Time from request to the last byte of the response, by route pattern',
    labelNames: ['route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly dbDuration = new Histogram({
    name: 'automx2_db_query_duration_seconds',
    help: 'Duration of database work units (successful or not)',
    buckets: BACKEND_BUCKETS,
    registers: [this.registry],
  });
  private readonly dbErrors = new Counter({
    name: 'automx2_db_query_errors_total',
    help: 'Database work units that failed (unreachable server, rejected statement)',
    registers: [this.registry],
  });
  private readonly directoryDuration = new Histogram({
    name: 'automx2_directory_lookup_duration_seconds',
    help: 'Duration of LDAP lookups that went to a server (cache misses)',
    buckets: BACKEND_BUCKETS,
    registers: [this.registry],
  });
  private readonly directoryErrors = new Counter({
    name: 'automx2_directory_lookup_errors_total',
    help: 'LDAP lookups that failed (server unreachable, timeout, bind refused)',
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'automx2_cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });
  /**
   * Seconds until the profile signing certificate's notAfter, at scrape time; exported
   * only while profiles are signed (an unset gauge would read 0, "expires now").
   */
  private readonly signingExpiry: Gauge;
  private signingNotAfter: number | null = null;
  /**
   * 1 while this instance listens for changes made by other processes, 0 while it
   * reconnects; exported only where there is such a listener (PostgreSQL).
   */
  private readonly changeListener = new Gauge({
    name: CHANGE_LISTENER_METRIC,
    help: 'Whether this instance receives change notifications from other processes (PostgreSQL LISTEN)',
    registers: [],
  });
  private changeListenerRegistered = false;
  private readonly labels = new Map<string, RouteLabels>();
  private server: Server | null = null;

  /** Stamps the start time; first among the server's `request` listeners. */
  private readonly onRequest = (_request: IncomingMessage, response: ServerResponse): void => {
    (response as MeasuredResponse)[STARTED_AT] = performance.now();
    response.on('finish', this.onFinish);
  };

  /** One function for every response: `this` is the response that finished. */
  private readonly onFinish: (this: ServerResponse) => void;

  constructor(private readonly adapterHost: HttpAdapterHost) {
    processRegistry();
    const build = buildInfo();
    new Gauge({
      name: 'automx2_build_info',
      help: 'Always 1; the labels name the running build (version, commit) and Node.js',
      labelNames: ['version', 'commit', 'node'] as const,
      registers: [this.registry],
    }).set({ version: build.version, commit: build.commit, node: build.node }, 1);
    const notAfter = () => this.signingNotAfter;
    this.signingExpiry = new Gauge({
      name: SIGNING_EXPIRY_METRIC,
      help: "Seconds until the profile signing certificate's notAfter (negative once expired)",
      registers: [],
      collect(this: Gauge) {
        const at = notAfter();
        if (at !== null) this.set((at - Date.now()) / 1000);
      },
    });
    const record = (response: MeasuredResponse) => this.recordResponse(response);
    this.onFinish = function (this: ServerResponse) {
      record(this);
    };
  }

  onApplicationBootstrap(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (!isServer(server)) return;
    this.server = server;
    server.prependListener('request', this.onRequest);
  }

  onApplicationShutdown(): void {
    this.server?.off('request', this.onRequest);
    this.server = null;
  }

  /** Prometheus text exposition: process metrics, then this instance's. */
  async render(): Promise<string> {
    const [process, instance] = await Promise.all([
      processRegistry().metrics(),
      this.registry.metrics(),
    ]);
    return `${process}\n${instance}`;
  }

  /** One unit of database work took `ms` milliseconds; `ok` false when it failed. */
  observeDb(ms: number, ok: boolean): void {
    this.dbDuration.observe(ms / 1000);
    if (!ok) this.dbErrors.inc();
  }

  /** One LDAP lookup (bind + search) took `ms` milliseconds; `ok` false when it failed. */
  observeDirectory(ms: number, ok: boolean): void {
    this.directoryDuration.observe(ms / 1000);
    if (!ok) this.directoryErrors.inc();
  }

  countCacheLookup(cache: CacheName, hit: boolean): void {
    this.cacheLookups.inc(CACHE_LABELS[cache][hit ? 'hit' : 'miss']);
  }

  /** The signing certificate's notAfter, or null when profiles are not signed. */
  setSigningCertificateExpiry(notAfter: Date | null): void {
    const registered = this.signingNotAfter !== null;
    this.signingNotAfter = notAfter === null ? null : notAfter.getTime();
    if (notAfter !== null && !registered) this.registry.registerMetric(this.signingExpiry);
    if (notAfter === null && registered) {
      this.registry.removeSingleMetric(SIGNING_EXPIRY_METRIC);
    }
  }

  /** The change listener's state (ChangeBroadcast): true while LISTEN is in place. */
  setChangeListenerUp(up: boolean): void {
    if (!this.changeListenerRegistered) {
      this.registry.registerMetric(this.changeListener);
      this.changeListenerRegistered = true;
    }
    this.changeListener.set(up ? 1 : 0);
  }

  private recordResponse(response: MeasuredResponse): void {
    const started = response[STARTED_AT];
    if (started === undefined) return;
    const seconds = (performance.now() - started) / 1000;
    const labels = this.routeLabels(response[ROUTE_LABEL] ?? UNMATCHED_ROUTE);
    const status = response.statusCode;
    let statusLabels = labels.byStatus.get(status);
    if (statusLabels === undefined) {
      statusLabels = { route: labels.route.route, status: String(status) };
      labels.byStatus.set(status, statusLabels);
    }
    this.httpRequests.inc(statusLabels);
    this.httpDuration.observe(labels.route, seconds);
  }

  private routeLabels(route: string): RouteLabels {
    let labels = this.labels.get(route);
    if (labels === undefined) {
      labels = { route: { route }, byStatus: new Map() };
      this.labels.set(route, labels);
    }
    return labels;
  }
}

const CACHE_LABELS = {
  directory: {
    hit: { cache: 'directory', result: 'hit' },
    miss: { cache: 'directory', result: 'miss' },
  },
  settings: {
    hit: { cache: 'settings', result: 'hit' },
    miss: { cache: 'settings', result: 'miss' },
  },
} as const satisfies Record<CacheName, Record<'hit' | 'miss', object>>;

let sharedProcessRegistry: Registry | null = null;

/**
 * Process metrics describe the process, not an application instance: they are
 * collected into one registry per process (collectDefaultMetrics installs a GC
 * observer and an event-loop monitor that are never removed, so once is enough even
 * when tests start several applications in one process).
 */
function processRegistry(): Registry {
  if (sharedProcessRegistry === null) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }
  return sharedProcessRegistry;
}

function isServer(value: unknown): value is Server {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Server).prependListener === 'function' &&
    typeof (value as Server).off === 'function'
  );
}
