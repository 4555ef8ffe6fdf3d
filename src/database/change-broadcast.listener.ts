import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { CHANGE_CHANNEL } from './change-broadcast';
import { QUERY_TIMEOUT_MS } from './data-source-options';

/** Shown in pg_stat_activity, so operators (and tests) can tell the listener apart. */
export const LISTENER_APPLICATION_NAME = 'automx2-nest change listener';

/** Reconnection delays: doubling from the first to the last, then the last again. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;
/** Spread of the delays (up to 20 % more), so replicas do not all retry at one instant. */
const RECONNECT_JITTER = 0.2;
/**
 * An idle connection whose server or network silently went away is noticed only when
 * something is sent: a trivial query this often (bounded by the query timeout) finds it.
 */
const HEARTBEAT_INTERVAL_MS = 30_000;
/** Shutdown waits this long for the server to acknowledge the goodbye, then moves on. */
const END_TIMEOUT_MS = 2000;

/**
 * The delay before reconnection attempt `failures` (1 after the first failure): 0.5 s,
 * 1 s, 2 s, 4 s, 8 s, then 10 s for as long as the outage lasts, each up to 20 % longer
 * by `random` (0 ≤ random < 1) but never beyond 10 s.
 */
export function reconnectDelayMs(failures: number, random: number): number {
  const doublings = Math.max(0, Math.floor(failures) - 1);
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.min(doublings, 30));
  const spread = 1 + RECONNECT_JITTER * Math.min(Math.max(random, 0), 1);
  return Math.min(RECONNECT_MAX_MS, Math.round(base * spread));
}

/**
 * The listener's connection, built from the options of the application's DataSource (so
 * it reaches the same server, database, user and TLS settings), or null when the
 * DataSource is not PostgreSQL. A connection of its own, outside the pool: LISTEN
 * belongs to a session, and the pool hands sessions out to any query.
 */
export function listenerClientConfig(options: DataSourceOptions): ClientConfig | null {
  if (options.type !== 'postgres') return null;
  return {
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    // TypeORM hands this value to pg as it is (dataSourceOptions makes it a boolean);
    // TypeORM's type for it is wider than the client's.
    ssl: options.ssl as ClientConfig['ssl'],
    connectionTimeoutMillis: options.connectTimeoutMS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    application_name: LISTENER_APPLICATION_NAME,
  };
}

/** What the listener reports; handlers must not throw. */
export interface ChangeListenerEvents {
  /** A notification arrived on the channel (payload as sent, possibly not ours). */
  readonly notification: (payload: string | undefined) => void;
  /** LISTEN is in place: after the first connection and after every reconnection. */
  readonly listening: () => void;
  /** An attempt failed or the connection was lost; the next attempt is in `retryInMs`. */
  readonly lost: (error: unknown, retryInMs: number) => void;
}

/**
 * One PostgreSQL session that LISTENs on the change channel for as long as it runs:
 * reconnects after any failure with a capped backoff (reconnectDelayMs), checks an idle
 * connection now and then, and never throws or keeps the process alive (its timers are
 * unref'd; stop() closes the session). What to log is the caller's choice.
 */
export class ChangeListener {
  private client: Client | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Sessions with a heartbeat query in flight. */
  private readonly checking = new WeakSet<Client>();
  private listeningNow = false;
  private stopped = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly events: ChangeListenerEvents,
    private readonly heartbeatMs = HEARTBEAT_INTERVAL_MS,
  ) {}

  /** Whether LISTEN is in place right now. */
  get listening(): boolean {
    return this.listeningNow;
  }

  /** Starts connecting in the background; a no-op once started or stopped. */
  start(): void {
    if (this.stopped || this.client !== null || this.retryTimer !== null) return;
    void this.connect();
  }

  /** Closes the session and cancels any retry; the listener stays stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.detach();
    if (client) await endWithin(client, END_TIMEOUT_MS);
  }

  private async connect(): Promise<void> {
    let client: Client;
    try {
      client = new Client(this.config);
    } catch (error) {
      this.retryLater(error);
      return;
    }
    this.client = client;
    const lose = (error: unknown) => this.lose(client, error);
    // Attached before anything can fail: an unhandled 'error' event would end the process.
    client.on('error', lose);
    client.on('end', () => lose(new Error('connection closed')));
    client.on('notification', (message: Notification) => {
      if (this.client === client && message.channel === CHANGE_CHANNEL) {
        this.events.notification(message.payload);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      lose(error);
      return;
    }
    // Lost or stopped while connecting: already handled.
    if (this.client !== client) return;
    this.failures = 0;
    this.listeningNow = true;
    this.heartbeat = setInterval(() => void this.check(client), this.heartbeatMs);
    this.heartbeat.unref();
    this.events.listening();
  }

  /** The first failure of `client` ends it and schedules the next attempt; later ones are ignored. */
  private lose(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.detach();
    void endWithin(client, END_TIMEOUT_MS);
    this.retryLater(error);
  }

  private retryLater(error: unknown): void {
    if (this.stopped) return;
    this.failures += 1;
    const delay = reconnectDelayMs(this.failures, Math.random());
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.connect();
    }, delay);
    this.retryTimer.unref();
    this.events.lost(error, delay);
  }

  /**
   * One `SELECT 1` at a time: while a check is unanswered the next tick waits for it
   * (its query_timeout ends it), rather than queueing another query on the session.
   */
  private async check(client: Client): Promise<void> {
    if (this.checking.has(client)) return;
    this.checking.add(client);
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.lose(client, error);
    } finally {
      this.checking.delete(client);
    }
  }

  /** Forgets the current session (its late events are ignored) and returns it. */
  private detach(): Client | null {
    const client = this.client;
    this.client = null;
    this.listeningNow = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    return client;
  }
}

/** Ends the session, waiting at most `ms` for the server (a dead peer never answers). */
async function endWithin(client: Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([client.end().catch(() => undefined), timeout]);
  clearTimeout(timer);
}
