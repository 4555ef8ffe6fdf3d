import { isIP } from 'node:net';
import { isLoopback } from '../common/client-address';
import type { RequestClient } from '../common/forwarded-headers';
import type { RateLimitConfig } from '../config/app-config';

/**
 * The counter a request is charged to, or null when it is exempt (a loopback client
 * without `rate_limit_loopback`). A known client counts under clientKey(address). An
 * unknown client (a trusted proxy sent too short an X-Forwarded-For) counts under its
 * socket peer, apart from the clients with that address: leaving the header out never
 * escapes the limit, and all such requests from one peer share one counter.
 */
export function rateLimitKey(
  client: RequestClient,
  options: Pick<RateLimitConfig, 'loopback'>,
): string | null {
  if (client.address === null) return `unknown via ${clientKey(client.peer)}`;
  if (!options.loopback && isLoopback(client.address)) return null;
  return clientKey(client.address);
}

/**
 * The key a client is counted under: an IPv4 address as it is, an IPv6 address by its
 * /64 prefix (one subscriber line or host usually has a whole /64, so counting single
 * IPv6 addresses would let a client pick a fresh one per request). Expects an address
 * normalised by resolveClientAddress (IPv4-mapped IPv6 already unwrapped); anything
 * else is used as it is.
 */
export function clientKey(address: string): string {
  const [plain = ''] = address.split('%');
  if (isIP(plain) !== 6) return address;
  return `${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case, without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const parts = (text: string) => (text === '' ? [] : text.split(':').flatMap(groupsOf));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

/** A group as written, or the two groups of an embedded dotted IPv4 address. */
function groupsOf(part: string): string[] {
  if (!part.includes('.')) return [part];
  const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
