import type { InitDbMode } from '../config/app-config';
import { isLoopback } from './client-address';
import { isLocalHost } from './local-host';

/** What the /initdb/ guard knows about a request. */
export interface InitDbRequest {
  /** The client's address after the trusted proxies; null = unknown. */
  readonly client: string | null;
  /**
   * The hosts the request names: the Host header and, when a trusted proxy forwarded
   * it, the X-Forwarded-Host entry. Every one must be local.
   */
  readonly hosts: readonly (string | undefined)[];
}

/**
 * Whether /initdb/ may serve a request: never with `initdb = off`; otherwise only for a
 * loopback client (an unknown client is not loopback) that asked for a loopback name
 * or the configured listen host (DNS rebinding defence, see isLocalHost).
 */
export function initDbAllowed(
  mode: InitDbMode,
  request: InitDbRequest,
  configuredHost: string,
): boolean {
  if (mode === 'off') return false;
  if (request.client === null || !isLoopback(request.client)) return false;
  return request.hosts.every((host) => isLocalHost(host, configuredHost));
}
