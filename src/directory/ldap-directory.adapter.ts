import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client, FilterParser, NoSuchObjectError, type Filter } from 'ldapts';
import { DomainError } from '../common/domain-error';
import { AppConfigService } from '../config/app-config.service';
import type { LdapServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';
import { DirectoryPort } from './directory.port';
import { firstAttributeValue } from './ldap-entry-values';
import { bindFailure, describeFailure, isConnectionLoss, withDeadline } from './ldap-failures';
import { buildSearchFilter } from './ldap-filter';
import { LookupCache } from './lookup-cache';

const CACHE_MAX_ENTRIES = 10_000;
/** Added to our own deadlines so that ldapts' timers, which say more, usually fire first. */
const DEADLINE_MARGIN_MS = 250;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_TIMEOUT_MS = 3000;

/** One bound connection, shared by sequential and concurrent lookups. */
interface Connection {
  readonly client: Client;
  /**
   * Anonymous plain LDAP: nothing was sent yet, ldapts connects on the first search and
   * may reconnect later, which is harmless without a bind or StartTLS to lose.
   */
  readonly lazy: boolean;
  inUse: number;
  searches: number;
  retired: boolean;
}

interface PoolEntry {
  readonly promise: Promise<Connection>;
  connection?: Connection;
}

type ServerState = 'up' | 'down' | 'refused';

/** DirectoryPort on ldapts: pooled connections, bounded time, cached answers. */
@Injectable()
export class LdapDirectory extends DirectoryPort implements OnApplicationShutdown {
  private readonly logger = new Logger(LdapDirectory.name);
  private readonly connectTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly startTls: boolean;
  private readonly tlsOptions: ConnectionOptions;
  private readonly cache: LookupCache<DirectoryEntry | null>;
  private readonly pool = new Map<string, PoolEntry>();
  private readonly states = new Map<string, ServerState>();
  private readonly warnedMissingBase = new Set<string>();
  private closed = false;

  constructor(config: AppConfigService) {
    super();
    const directory = config.values.directory;
    this.connectTimeoutMs = this.positive(directory.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);
    this.timeoutMs = this.positive(directory.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.startTls = directory.startTls;
    this.tlsOptions = { rejectUnauthorized: directory.tlsVerify };
    if (directory.caFile) this.tlsOptions.ca = readFileSync(directory.caFile);
    if (!directory.tlsVerify) {
      this.logger.warn('ldap_tls_verify is off: LDAP server certificates are not checked');
    }
    this.cache = new LookupCache(directory.cacheTtlMs, CACHE_MAX_ENTRIES);
  }

  lookup(address: string, server: LdapServer): Promise<DirectoryEntry | null> {
    const key = serverKey(server);
    return this.cache.get(`${key}\n${address.toLowerCase()}`, () =>
      this.lookupUncached(address, server, key),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const entries = [...this.pool.values()];
    this.pool.clear();
    this.cache.clear();
    const closing = entries.map((entry) =>
      entry.promise.then((connection) => this.close(connection.client)).catch(() => undefined),
    );
    await withDeadline(Promise.all(closing), this.connectTimeoutMs, 'closing').catch(
      () => undefined,
    );
  }

  private async lookupUncached(
    address: string,
    server: LdapServer,
    key: string,
  ): Promise<DirectoryEntry | null> {
    const filter = this.parseFilter(server, address);
    try {
      const entry = await this.searchWithRetry(server, key, filter);
      this.setState(server, key, 'up');
      return entry;
    } catch (error) {
      if (error instanceof NoSuchObjectError) {
        this.setState(server, key, 'up');
        if (!this.warnedMissingBase.has(key)) {
          this.warnedMissingBase.add(key);
          this.logger.warn(`${label(server)}: search base "${server.searchBase}" does not exist`);
        }
        return null;
      }
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
    connection: Connection,
    server: LdapServer,
    key: string,
    filter: Filter,
  ): Promise<DirectoryEntry | null> {
    connection.inUse += 1;
    connection.searches += 1;
    try {
      // Checked in the same tick as search() starts: ldapts would otherwise silently
      // reconnect a closed client, unbound (and without StartTLS).
      if (!connection.lazy && !connection.client.isConnected) {
        throw new Error('Connection closed while idle');
      }
      const attributes = [server.attrUid, ...(server.attrCn ? [server.attrCn] : [])];
      const search = connection.client.search(server.searchBase, {
        scope: 'sub',
        filter,
        attributes,
        sizeLimit: 1,
      });
      const deadline = this.connectTimeoutMs + this.timeoutMs + DEADLINE_MARGIN_MS;
      const result = await withDeadline(search, deadline, 'search');
      const entry = result.searchEntries[0];
      if (!entry) return null;
      const uid = firstAttributeValue(entry, server.attrUid);
      const cn = server.attrCn ? firstAttributeValue(entry, server.attrCn) : undefined;
      return { ...(uid !== undefined && { uid }), ...(cn !== undefined && { cn }) };
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) this.retire(key, connection);
      throw error;
    } finally {
      connection.inUse -= 1;
      if (connection.retired && connection.inUse === 0) void this.close(connection.client);
    }
  }

  /** The pooled connection for `key`, or a new one (shared while it is being opened). */
  private acquire(server: LdapServer, key: string): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('directory is shut down'));
    const existing = this.pool.get(key);
    if (existing && !existing.connection) return existing.promise;
    if (
      existing?.connection &&
      (existing.connection.lazy || existing.connection.client.isConnected)
    ) {
      return Promise.resolve(existing.connection);
    }
    if (existing?.connection) this.retire(key, existing.connection);

    const entry: PoolEntry = {
      promise: this.connect(server).then((client) => {
        const lazy = !client.isConnected;
        const connection: Connection = { client, lazy, inUse: 0, searches: 0, retired: false };
        entry.connection = connection;
        if (this.closed) this.retire(key, connection);
        return connection;
      }),
    };
    this.pool.set(key, entry);
    entry.promise.catch(() => {
      if (this.pool.get(key) === entry) this.pool.delete(key);
    });
    return entry.promise;
  }

  /** Connects (LDAPS, or plain with optional StartTLS) and binds, within a deadline. */
  private async connect(server: LdapServer): Promise<Client> {
    const host = isIPv6(server.name) ? `[${server.name}]` : server.name;
    const client = new Client({
      url: `${server.useSsl ? 'ldaps' : 'ldap'}://${host}:${server.port}`,
      connectTimeout: this.connectTimeoutMs,
      timeout: this.timeoutMs,
      // ldapts switches to TLS whenever tlsOptions is given, so only for LDAPS.
      ...(server.useSsl && { tlsOptions: { ...this.tlsOptions, servername: sni(server.name) } }),
    });
    const open = async (): Promise<void> => {
      if (!server.useSsl && this.startTls) {
        await client.startTLS({
          ...this.tlsOptions,
          host: server.name,
          servername: sni(server.name),
        });
      }
      if (server.bindUser || server.bindPassword) {
        await client.bind(server.bindUser ?? '', server.bindPassword ?? '').catch((error) => {
          throw bindFailure(error);
        });
      }
    };
    // TCP (+TLS) connect, StartTLS request, TLS handshake, bind: each step is bounded.
    const deadline = 2 * (this.connectTimeoutMs + this.timeoutMs) + DEADLINE_MARGIN_MS;
    try {
      await withDeadline(open(), deadline, 'connect and bind');
      return client;
    } catch (error) {
      void this.close(client);
      throw error;
    }
  }

  /** Takes a connection out of the pool; it closes once its last search has finished. */
  private retire(key: string, connection: Connection): void {
    if (this.pool.get(key)?.connection === connection) this.pool.delete(key);
    connection.retired = true;
    if (connection.inUse === 0) void this.close(connection.client);
  }

  private async close(client: Client): Promise<void> {
    await client.unbind().catch(() => undefined);
  }

  private parseFilter(server: LdapServer, address: string): Filter {
    try {
      return FilterParser.parseString(buildSearchFilter(server.searchFilter, address));
    } catch {
      this.logger.error(`${label(server)}: search_filter "${server.searchFilter}" is not valid`);
      throw new DomainError('UNSUPPORTED_DATA', 'Invalid LDAP search filter');
    }
  }

  /** Logs state changes only: once per outage (or refusal), and once when it is over. */
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
    this.logger.warn(`LDAP timeout of ${value} ms is not usable, using ${fallback} ms`);
    return fallback;
  }
}

function serverKey(server: LdapServer): string {
  return JSON.stringify([server.id, server.name, server.port, server.useSsl, server.bindUser]);
}

function label(server: LdapServer): string {
  return `LDAP server ${server.id} (${server.useSsl ? 'ldaps' : 'ldap'}://${server.name}:${server.port})`;
}

/** TLS SNI takes host names only, never IP addresses. */
function sni(name: string): string | undefined {
  return isIPv6(name) || /^[0-9.]+$/.test(name) ? undefined : name;
}
