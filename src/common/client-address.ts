import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * The client's address: the `proxyCount`-th entry from the right of X-Forwarded-For
 * (the one our outermost trusted proxy appended), or the socket address when
 * proxyCount is 0. Entries further left are written by the client and never trusted.
 * Fails closed: with fewer entries than proxyCount (no header at all included), or when
 * that entry is not an IP address, the client is unknown (null), never the socket
 * address (which is then one of our proxies, possibly on loopback).
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxyCount: number,
): string | null {
  if (proxyCount <= 0) return normaliseAddress(socketAddress ?? '');
  if (forwardedFor === undefined) return null;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const entries = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length < proxyCount) return null;
  const client = normaliseAddress(entries[entries.length - proxyCount] ?? '');
  return isIP(client) === 0 ? null : client;
}

/** Strips IPv4-mapped IPv6 prefixes and brackets, so `::ffff:127.0.0.1` is 127.0.0.1. */
export function normaliseAddress(address: string): string {
  let value = address.trim();
  if (value.startsWith('[') && value.includes(']')) value = value.slice(1, value.indexOf(']'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped?.[1]) return mapped[1];
  return value;
}

/** 127.0.0.0/8 and ::1, in any spelling (IPv4-mapped, bracketed, uncompressed). */
export function isLoopback(address: string): boolean {
  const value = normaliseAddress(address);
  switch (isIP(value)) {
    case 4:
      return LOOPBACK.check(value, 'ipv4');
    case 6:
      return LOOPBACK.check(value, 'ipv6');
    default:
      return false;
  }
}
