import { isIP } from 'node:net';

/**
 * The client's address: the `proxyCount`-th entry from the right of X-Forwarded-For
 * (the one our outermost trusted proxy appended), or the socket address when
 * proxyCount is 0 or the header has fewer entries. Entries further left are written
 * by the client and never trusted.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxyCount: number,
): string {
  const socket = normaliseAddress(socketAddress ?? '');
  if (proxyCount <= 0 || forwardedFor === undefined) return socket;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const entries = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length < proxyCount) return socket;
  return normaliseAddress(entries[entries.length - proxyCount] ?? '');
}

/** Strips IPv4-mapped IPv6 prefixes and brackets, so `::ffff:127.0.0.1` is 127.0.0.1. */
export function normaliseAddress(address: string): string {
  let value = address.trim();
  if (value.startsWith('[') && value.includes(']')) value = value.slice(1, value.indexOf(']'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped?.[1]) return mapped[1];
  return value;
}

export function isLoopback(address: string): boolean {
  const value = normaliseAddress(address);
  switch (isIP(value)) {
    case 4:
      return value.startsWith('127.');
    case 6:
      return /^(0{0,4}:){7}0{0,3}1$|^::1$/i.test(value);
    default:
      return false;
  }
}
