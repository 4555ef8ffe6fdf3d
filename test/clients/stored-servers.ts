/**
 * The database rows a document was made from, for the rules that compare a document
 * with the data (Autodiscover's SPA, Apple's UseSSL): which stored server a document
 * names, and what its stored socket type and authentication mean, matched
 * case-insensitively as issue 13 requires of the product (the checkers never trust the
 * product's own mapping).
 */
import { aLabel } from './host-names';

/** A `server` row as stored (any spelling, U-label names allowed). */
export interface StoredMailServer {
  /** `imap`, `pop` or `smtp`. */
  readonly type: string;
  readonly name: string;
  readonly port: number;
  readonly socketType: string;
  readonly authentication: string;
}

/** What a stored socket type says about encryption, case-insensitively. */
export type Encryption = 'implicit TLS' | 'STARTTLS' | 'either' | 'none' | 'unknown';

export function encryptionOf(socketType: string): Encryption {
  switch (socketType.trim().toLowerCase()) {
    case 'ssl':
      return 'implicit TLS';
    case 'starttls':
      return 'STARTTLS';
    case 'auto':
      return 'either';
    case 'none':
    case 'plain':
      return 'none';
    default:
      return 'unknown';
  }
}

/** NTLM and GSSAPI/Kerberos: what Outlook's and Thunderbird's `SPA on` stand for. */
export function isSpaAuthentication(authentication: string): boolean {
  const lower = authentication.trim().toLowerCase();
  return lower === 'ntlm' || lower === 'gssapi';
}

/**
 * The stored server of one of `types` that a document names by `host` (compared as
 * A-labels, case-insensitively) and `port` (when the document gives one).
 */
export function findStoredServer(
  servers: readonly StoredMailServer[],
  types: readonly string[],
  host: string,
  port: number | undefined,
): StoredMailServer | undefined {
  const wanted = aLabel(host).toLowerCase();
  return servers.find(
    (server) =>
      types.includes(server.type) &&
      aLabel(server.name).toLowerCase() === wanted &&
      (port === undefined || server.port === port),
  );
}
