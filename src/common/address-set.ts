import { BlockList, isIP } from 'node:net';
import { normaliseAddress } from './client-address';

/** One entry of an address list: an IP address, or a network in CIDR notation. */
export interface AddressEntry {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

const MAX_PREFIX = { ipv4: 32, ipv6: 128 } as const;

/**
 * Reads `192.0.2.7`, `10.0.0.0/8`, `2001:db8::1`, `fd00::/8` (a bare address is a
 * network of one). Returns null for anything else: host names, zone ids (`fe80::1%eth0`),
 * brackets, prefixes out of range or written with signs or leading zeros.
 */
export function parseAddressEntry(text: string): AddressEntry | null {
  const parts = text.trim().split('/');
  if (parts.length > 2) return null;
  const [written = '', rawPrefix] = parts;
  if (/[[\]%]/.test(written)) return null;
  // An IPv4-mapped IPv6 address (::ffff:192.0.2.7) becomes its IPv4 form, as peers do.
  const address = normaliseAddress(written);
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (rawPrefix === undefined) return { address, prefix: MAX_PREFIX[family], family };
  if (!/^(0|[1-9][0-9]{0,2})$/.test(rawPrefix)) return null;
  const prefix = Number(rawPrefix);
  if (prefix > MAX_PREFIX[family]) return null;
  return { address, prefix, family };
}

/** Splits a list written with commas and/or white space. */
export function splitAddressList(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== '');
}

/**
 * A set of addresses and networks, matched with node:net's BlockList (no CIDR arithmetic
 * of our own). IPv4-mapped IPv6 addresses match the IPv4 entries.
 */
export class AddressSet {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly AddressEntry[]) {
    for (const entry of entries) this.list.addSubnet(entry.address, entry.prefix, entry.family);
  }

  /** Builds the set from entries that parseAddressEntry accepts; throws on any other. */
  static of(texts: readonly string[]): AddressSet {
    return new AddressSet(
      texts.map((text) => {
        const entry = parseAddressEntry(text);
        if (entry === null) throw new Error(`not an address or network: ${JSON.stringify(text)}`);
        return entry;
      }),
    );
  }

  get size(): number {
    return this.entries.length;
  }

  has(address: string): boolean {
    const value = normaliseAddress(address);
    switch (isIP(value)) {
      case 4:
        return this.list.check(value, 'ipv4');
      case 6:
        return this.list.check(value, 'ipv6');
      default:
        return false;
    }
  }
}
