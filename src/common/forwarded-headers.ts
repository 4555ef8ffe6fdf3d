import { AddressSet } from './address-set';
import { normaliseAddress, resolveClientAddress } from './client-address';
import type { HttpRequest } from './http-request';
import { requestHost } from './request-host';

/** Who sent a request, as far as the trusted proxies tell. */
export interface RequestClient {
  /**
   * The client's address; null when it cannot be known: a trusted proxy sent fewer
   * X-Forwarded-For entries than `proxy_count`, or not an address (fail closed).
   */
  readonly address: string | null;
  /** The socket peer, normalised (IPv4-mapped addresses unwrapped). */
  readonly peer: string;
}

/** What the access log and the rate limit write for a client that is not known. */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The one reading of `proxy_count` and `trusted_proxies`. X-Forwarded-For and
 * X-Forwarded-Host count only when proxy_count > 0 and the socket peer is one of the
 * trusted proxies; an empty `trusted_proxies` trusts every peer (automx2's behaviour).
 * Used by the /initdb/ guard, the access log, the rate limit and the host-derived
 * answers (Autodiscover v2 JSON, autoconfig without an address).
 */
export class ForwardedHeaders {
  private readonly trustedProxies: AddressSet;

  constructor(
    readonly proxyCount: number,
    trustedProxies: readonly string[],
  ) {
    this.trustedProxies = AddressSet.of(trustedProxies);
  }

  static of(config: {
    readonly proxyCount: number;
    readonly trustedProxies: readonly string[];
  }): ForwardedHeaders {
    return new ForwardedHeaders(config.proxyCount, config.trustedProxies);
  }

  /** Whether this peer's X-Forwarded-* headers are read. */
  trustsPeer(peer: string): boolean {
    if (this.proxyCount <= 0) return false;
    return this.trustedProxies.size === 0 || this.trustedProxies.has(peer);
  }

  client(request: HttpRequest): RequestClient {
    const peer = normaliseAddress(request.socket?.remoteAddress ?? '');
    const hops = this.trustsPeer(peer) ? this.proxyCount : 0;
    return { address: resolveClientAddress(peer, request.headers['x-forwarded-for'], hops), peer };
  }

  /**
   * The host the client asked for, without port: the X-Forwarded-Host entry of the
   * outermost trusted proxy when the peer is trusted (Host when that header is short
   * or absent), else Host. See requestHost.
   */
  host(request: HttpRequest): string | undefined {
    const peer = normaliseAddress(request.socket?.remoteAddress ?? '');
    return requestHost(request, this.trustsPeer(peer) ? this.proxyCount : 0);
  }
}
