import { isIPv4, isIPv6 } from 'node:net';

/** Why a DNS server list was refused; the message says what is allowed. */
export class DnsServerListError extends Error {}

const EXPECTED =
  'expected IP addresses with an optional port (192.0.2.53, 192.0.2.53:5353, 2001:db8::53, ' +
  '[2001:db8::53]:5353) separated by commas or spaces';

/**
 * One DNS server as written: an IPv4 address with an optional `:PORT`, a bare IPv6
 * address, or an IPv6 address in brackets with an optional `:PORT`. Returned in the
 * form node:dns `setServers` takes; null for anything else (host names: a resolver is
 * reached by address).
 */
export function parseDnsServer(text: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(text);
  if (bracketed) {
    const [, address = '', port] = bracketed;
    if (!isIPv6(address) || !validPort(port)) return null;
    return port === undefined ? address : `[${address}]:${Number(port)}`;
  }
  if (isIPv6(text)) return text;
  const [address = '', port, ...rest] = text.split(':');
  if (rest.length > 0 || !isIPv4(address) || !validPort(port)) return null;
  return port === undefined ? address : `${address}:${Number(port)}`;
}

/** A list of DNS servers written with commas and/or spaces; throws DnsServerListError. */
export function parseDnsServerList(text: string): string[] {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.length === 0) throw new DnsServerListError(EXPECTED);
  const bad = entries.filter((entry) => parseDnsServer(entry) === null);
  if (bad.length > 0) {
    throw new DnsServerListError(
      `${bad.map((entry) => JSON.stringify(entry)).join(', ')}: ${EXPECTED}`,
    );
  }
  return entries.map((entry) => parseDnsServer(entry) ?? entry);
}

function validPort(port: string | undefined): boolean {
  if (port === undefined) return true;
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}
