import { connect as netConnect, isIPv6, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Client, type Entry, type Filter } from 'ldapts';
import type { LdapServer } from '../mail-settings/domain-settings';
import { bindFailure, withDeadline } from './ldap-failures';

/** Added to our own deadlines so that ldapts' timers, which say more, usually fire first. */
const DEADLINE_MARGIN_MS = 250;
/** TCP keep-alive on pooled connections, so that a vanished server is noticed while idle. */
const KEEPALIVE_MS = 60_000;

export interface ConnectionSettings {
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  /** Upgrade plain (non-LDAPS) connections with StartTLS. */
  readonly startTls: boolean;
  /** Used only for LDAPS and StartTLS: ldapts switches to TLS whenever they are given. */
  readonly tlsOptions: ConnectionOptions;
}

/**
 * One ldapts client, bound (or anonymous), shared by sequential and concurrent searches.
 * Of `server` it uses the connection fields only (name, port, useSsl, bind user and
 * password); search base, filter and attributes come with each search.
 * It watches its own sockets: ldapts does not notice when a StartTLS socket closes, and
 * would silently reconnect a closed plain one without bind or StartTLS; once any socket of
 * this connection has closed, the connection is no longer usable and is replaced.
 */
export class LdapConnection {
  /** Searches running now. */
  inUse = 0;
  /** Searches started so far. */
  searches = 0;
  /** Taken out of the pool; closes when its last search has finished. */
  retired = false;
  private socketClosed = false;
  private readonly client: Client;

  constructor(
    private readonly server: LdapServer,
    private readonly settings: ConnectionSettings,
  ) {
    const host = isIPv6(server.name) ? `[${server.name}]` : server.name;
    // ldapts calls these with net.connect's / tls.connect's arguments; their overloads
    // cannot be forwarded generically, hence the casts to a plain function type.
    const plain = netConnect as (...args: unknown[]) => Socket;
    const secure = tlsConnect as (...args: unknown[]) => TLSSocket;
    this.client = new Client({
      url: `${server.useSsl ? 'ldaps' : 'ldap'}://${host}:${server.port}`,
      connectTimeout: settings.connectTimeoutMs,
      timeout: settings.timeoutMs,
      ...(server.useSsl && {
        tlsOptions: { ...settings.tlsOptions, servername: serverName(server.name) },
      }),
      createConnection: (...args: unknown[]) => this.watch(plain(...args), true),
      createSecureConnection: (...args: unknown[]) => this.watch(secure(...args), server.useSsl),
    });
  }

  /** False once a socket of this connection has closed or it was retired. */
  get usable(): boolean {
    return !this.socketClosed && !this.retired;
  }

  /** StartTLS (when configured for plain LDAP) and bind, all within one deadline. */
  async open(): Promise<void> {
    const { server, settings, client } = this;
    const steps = async (): Promise<void> => {
      if (!server.useSsl && settings.startTls) {
        const name = server.name;
        await client.startTLS({ ...settings.tlsOptions, host: name, servername: serverName(name) });
      }
      if (server.bindUser || server.bindPassword) {
        await client.bind(server.bindUser ?? '', server.bindPassword ?? '').catch((error) => {
          throw bindFailure(error);
        });
      }
      // Anonymous plain LDAP sends nothing here: ldapts connects on the first search.
    };
    // TCP (+TLS) connect, StartTLS request, TLS handshake, bind: each step is bounded.
    const ms = 2 * (settings.connectTimeoutMs + settings.timeoutMs) + DEADLINE_MARGIN_MS;
    try {
      await withDeadline(steps(), ms, 'connect and bind');
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** The first entry under `base` (subtree) matching `filter`, or undefined. */
  async search(base: string, filter: Filter, attributes: string[]): Promise<Entry | undefined> {
    // Checked in the same tick as client.search() starts, which would reconnect.
    if (!this.usable) throw new Error('Connection closed while idle');
    const search = this.client.search(base, {
      scope: 'sub',
      filter,
      attributes,
      sizeLimit: 1,
    });
    // A lazily connecting (anonymous) search may spend connectTimeoutMs connecting first.
    const ms = this.settings.connectTimeoutMs + this.settings.timeoutMs + DEADLINE_MARGIN_MS;
    const result = await withDeadline(search, ms, 'search');
    return result.searchEntries[0];
  }

  /** Unbinds and closes; never rejects. A connection whose socket closed just forgets it. */
  async close(): Promise<void> {
    this.retired = true;
    if (this.socketClosed) return;
    await this.client.unbind().catch(() => undefined);
  }

  private watch<S extends Socket>(socket: S, keepAlive: boolean): S {
    if (keepAlive) socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.once('close', () => {
      this.socketClosed = true;
    });
    return socket;
  }
}

/** TLS SNI takes host names only, never IP addresses. */
function serverName(name: string): string | undefined {
  return isIPv6(name) || /^[0-9.]+$/.test(name) ? undefined : name;
}
