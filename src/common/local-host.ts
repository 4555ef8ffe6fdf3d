import { isIP } from 'node:net';
import { isLoopback, normaliseAddress } from './client-address';

/** `localhost` and its subdomains, which browsers resolve to loopback themselves. */
const LOCALHOST_NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*localhost$/;
const HOST_WITH_PORT = /^(\[[^\]]*\]|[^[\]:]*)(?::[0-9]{0,5})?$/;

/**
 * Whether a Host (or X-Forwarded-Host) value names this machine by a loopback name or
 * address — `localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`, with or without a port —
 * or is the configured listen `host`. A wildcard listen address (0.0.0.0, ::) does not
 * count: no client should ask for it by that name. This is the DNS rebinding defence
 * of /initdb/: a browser that was made to reach the service under an attacker's name
 * sends that name.
 */
export function isLocalHost(value: string | undefined, configuredHost: string): boolean {
  const match = HOST_WITH_PORT.exec((value ?? '').trim().toLowerCase());
  const host = match?.[1];
  if (host === undefined || host === '') return false;
  if (host.startsWith('[')) {
    const address = host.slice(1, -1);
    if (isIP(address) !== 6) return false;
    return isLoopback(address) || sameHost(address, configuredHost);
  }
  if (isIP(host) === 4) return isLoopback(host) || sameHost(host, configuredHost);
  return LOCALHOST_NAME.test(host) || sameHost(host, configuredHost);
}

function sameHost(host: string, configuredHost: string): boolean {
  const configured = normaliseAddress(configuredHost.toLowerCase());
  if (isUnspecified(configured)) return false;
  return normaliseAddress(host) === configured;
}

function isUnspecified(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return address === '0.0.0.0';
    case 6:
      return /^[0:]+$/.test(address);
    default:
      return false;
  }
}
