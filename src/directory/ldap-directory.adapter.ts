import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { FilterParser, NoSuchObjectError, type Filter } from 'ldapts';
import { MetricsService } from '../metrics/metrics.service';
import { DomainError } from '../common/domain-error';
import { AppConfigService } from '../config/app-config.service';
import type { LdapServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';
import { DirectoryPort } from './directory.port';
import { LdapConnection, type ConnectionSettings } from './ldap-connection';
import { firstAttributeValue } from './ldap-entry-values';
import {
  DeadlineExceededError,
  describeFailure,
  isConnectionLoss,
  withDeadline,
} from './ldap-failures';
import { buildSearchFilter } from './ldap-filter';
import { LookupCache } from './lookup-cache';

const CACHE_MAX_ENTRIES = 10_000;
/** Addresses the directory does not know: anyone can ask for any number of them. */
const CACHE_MAX_MISSES = 1_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_TIMEOUT_MS = 3000;

interface PoolEntry {
  readonly opening: Promise<LdapConnection>;
  /** Set once opened. */
  connection?: LdapConnection;
}

type ServerState = 'up' | 'down' | 'refused';

/**
 * DirectoryPort on ldapts: one pooled connection per LDAP server, every step bounded by
 * the configured timeouts, answers (matches and misses) cached for `ldap_cache_ttl`.
 * Failures are logged once per outage per server, and once more when it is over.
 */
@Injectable()
export class LdapDirectory extends DirectoryPort implements OnApplicationShutdown {
  private readonly logger = new Logger(LdapDirectory.name);
  private readonly settings: ConnectionSettings;
  private readonly cache: LookupCache<DirectoryEntry | null>;
  private readonly pool = new Map<string, PoolEntry>();
  private readonly states = new Map<string, ServerState>();
  private readonly warnedMissingBase = new Set<string>();
  private shutDown = false;

  constructor(
    config: AppConfigService,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    super();
    const directory = config.values.directory;
    this.settings = {
      connectTimeoutMs: this.positive(directory.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
      timeoutMs: this.positive(directory.timeoutMs, DEFAULT_TIMEOUT_MS),
      startTls: directory.startTls,
      tlsOptions: {
        rejectUnauthorized: directory.tlsVerify,
        ...(directory.caFile !== null && { ca: readFileSync(directory.caFile) }),
      },
    };
    if (!directory.tlsVerify) {
      this.logger.warn('ldap_tls_verify is off: LDAP server certificates are not checked');
    }
    this.cache = new LookupCache({
      ttlMs: directory.cacheTtlMs,
      maxEntries: CACHE_MAX_ENTRIES,
      maxMisses: CACHE_MAX_MISSES,
    });
  }

  lookup(address: string, server: LdapServer): Promise<DirectoryEntry | null> {
    const key = serverKey(server);
    let loaded = false;
    const result = this.cache.get(`${key}\n${address.toLowerCase()}`, () => {
      loaded = true;
      return this.lookupUncached(address, server, key);
    });
    this.metrics?.countCacheLookup('directory', !loaded);
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutDown = true;
    const entries = [...this.pool.values()];
    this.pool.clear();
    this.cache.clear();
    const closing = entries.map((entry) =>
      entry.opening.then((connection) => connection.close()).catch(() => undefined),
    );
    const ms = this.settings.connectTimeoutMs + this.settings.timeoutMs;
    await withDeadline(Promise.all(closing), ms, 'closing').catch(() => undefined);
  }

  private async lookupUncached(
    address: string,
    server: LdapServer,
    key: string,
  ): Promise<DirectoryEntry | null> {
    const filter = this.parseFilter(server, address);
    const started = performance.now();
    const observe = (ok: boolean) =>
      this.metrics?.observeDirectory(performance.now() - started, ok);
    try {
      // ldap_timeout bounds the whole lookup (connect, StartTLS, bind, search, one retry),
      // not each step: a server that accepts and then stalls costs one timeout, not two.
      const entry = await withDeadline(
        this.searchWithRetry(server, key, filter),
        this.settings.timeoutMs,
        'directory lookup',
      ).catch((error: unknown) => {
        if (error instanceof DeadlineExceededError) this.forget(key);
        throw error;
      });
      this.setState(server, key, 'up');
      observe(true);
      return entry;
    } catch (error) {
      if (error instanceof NoSuchObjectError) {
        this.setState(server, key, 'up');
        observe(true);
        if (!this.warnedMissingBase.has(key)) {
          this.warnedMissingBase.add(key);
          this.logger.warn(`${label(server)}: search base "${server.searchBase}" does not exist`);
        }
        return null;
      }
      observe(false);
      const reason = describeFailure(error, server.bindPassword);
      if (error instanceof DomainError && error.code === 'DIRECTORY_BIND_REFUSED') {
        this.setState(server, key, 'refused', reason);
        throw error;
      }
      this.setState(server, key, 'down', reason);
      throw new DomainError('BACKEND_UNAVAILABLE', 'Directory unavailable, try again later');
    }
  }

  /** Searches on the pooled connection; once more on a new one if a reused one was lost. */
  private async searchWithRetry(
    server: LdapServer,
    key: string,
    filter: Filter,
  ): Promise<DirectoryEntry | null> {
    for (let attempt = 1; ; attempt += 1) {
      const connection = await this.acquire(server, key);
      const reused = connection.searches > 0;
      try {
        return await this.search(connection, server, key, filter);
      } catch (error) {
        if (!reused || attempt > 1 || !isConnectionLoss(error)) throw error;
      }
    }
  }

  private async search(
    connection: LdapConnection,
    server: LdapServer,
    key: string,
    filter: Filter,
  ): Promise<DirectoryEntry | null> {
    connection.inUse += 1;
    connection.searches += 1;
    try {
      const attributes = [server.attrUid, ...(server.attrCn ? [server.attrCn] : [])];
      const entry = await connection.search(server.searchBase, filter, attributes);
      if (!entry) return null;
      const uid = firstAttributeValue(entry, server.attrUid);
      const cn = server.attrCn ? firstAttributeValue(entry, server.attrCn) : undefined;
      return { ...(uid !== undefined && { uid }), ...(cn !== undefined && { cn }) };
    } catch (error) {
      // noSuchObject is an answer (no such search base), not a broken connection
      if (!(error instanceof NoSuchObjectError)) this.retire(key, connection);
      throw error;
    } finally {
      connection.inUse -= 1;
      if (connection.retired && connection.inUse === 0) void connection.close();
    }
  }

  /** The pooled connection for `key`, or a new one (shared while it is being opened). */
  private acquire(server: LdapServer, key: string): Promise<LdapConnection> {
    if (this.shutDown) return Promise.reject(new Error('directory is shut down'));
    const existing = this.pool.get(key);
    if (existing && !existing.connection) return existing.opening;
    if (existing?.connection?.usable) return Promise.resolve(existing.connection);
    if (existing?.connection) this.retire(key, existing.connection);

    const connection = new LdapConnection(server, this.settings);
    const entry: PoolEntry = {
      opening: connection.open().then(() => {
        entry.connection = connection;
        if (this.shutDown) this.retire(key, connection);
        return connection;
      }),
    };
    this.pool.set(key, entry);
    entry.opening.catch(() => {
      if (this.pool.get(key) === entry) this.pool.delete(key);
    });
    return entry.opening;
  }

  /** Drops the pooled connection for `key`, open or still opening (it stalled). */
  private forget(key: string): void {
    const entry = this.pool.get(key);
    if (entry?.connection) this.retire(key, entry.connection);
    else this.pool.delete(key);
  }

  /** Takes a connection out of the pool; it closes once its last search has finished. */
  private retire(key: string, connection: LdapConnection): void {
    if (this.pool.get(key)?.connection === connection) this.pool.delete(key);
    connection.retired = true;
    if (connection.inUse === 0) void connection.close();
  }

  private parseFilter(server: LdapServer, address: string): Filter {
    try {
      return FilterParser.parseString(buildSearchFilter(server.searchFilter, address));
    } catch {
      this.logger.error(`${label(server)}: search_filter "${server.searchFilter}" is not valid`);
      throw new DomainError('UNSUPPORTED_DATA', 'Invalid LDAP search filter');
    }
  }

  /** Logs changes only: once per outage (or refusal), and once when it is over. */
  private setState(server: LdapServer, key: string, state: ServerState, reason = ''): void {
    const previous = this.states.get(key) ?? 'up';
    this.states.set(key, state);
    if (state === previous) return;
    if (state === 'up') this.logger.log(`${label(server)}: available again`);
    else if (state === 'down') this.logger.error(`${label(server)}: unavailable (${reason})`);
    else this.logger.error(`${label(server)}: bind refused (${reason})`);
  }

  private positive(value: number, fallback: number): number {
    if (value > 0) return value;
    this.logger.warn(`An LDAP timeout of ${value} ms cannot be used; using ${fallback} ms`);
    return fallback;
  }
}

/** Identifies a connection: the row, where it points, and who binds (password hashed). */
function serverKey(server: LdapServer): string {
  const { id, name, port, useSsl, bindUser, bindPassword } = server;
  const secret = createHash('sha256')
    .update(bindPassword ?? '')
    .digest('base64');
  return JSON.stringify([id, name, port, useSsl, bindUser, secret]);
}

function label(server: LdapServer): string {
  const url = `${server.useSsl ? 'ldaps' : 'ldap'}://${server.name}:${server.port}`;
  return `LDAP server ${server.id} (${url})`;
}
