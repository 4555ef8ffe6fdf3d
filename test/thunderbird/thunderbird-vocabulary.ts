import { domainToASCII } from 'node:url';
import type { TbAuthMethod, TbSocketType } from './thunderbird-runner';

/**
 * What a database row means in Thunderbird's terms (Ci.nsMsgSocketType,
 * Ci.nsMsgAuthMethod, its server types): the yardstick for every derived account.
 * Stored words are matched case-insensitively and trimmed, as CLIENTS.md asks of us.
 */

export type TbServerType = 'imap' | 'pop3' | 'smtp';

/** Stored `server.type` (automx2's exact words) → Thunderbird's type. */
export function thunderbirdServerType(stored: string): TbServerType | undefined {
  return ({ imap: 'imap', pop: 'pop3', smtp: 'smtp' } as const)[stored];
}

const SOCKET_TYPES: Readonly<Record<string, TbSocketType>> = {
  ssl: 'SSL',
  starttls: 'alwaysSTARTTLS',
  // Thunderbird's configs have no opportunistic mode; our formats send Auto as STARTTLS.
  auto: 'alwaysSTARTTLS',
  none: 'plain',
  plain: 'plain',
};

export function thunderbirdSocketType(stored: string): TbSocketType | undefined {
  return SOCKET_TYPES[stored.trim().toLowerCase()];
}

const AUTH_METHODS: Readonly<Record<string, TbAuthMethod>> = {
  'password-cleartext': 'passwordCleartext',
  plain: 'passwordCleartext',
  'password-encrypted': 'passwordEncrypted',
  secure: 'passwordEncrypted',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI',
  oauth2: 'OAuth2',
  none: 'none',
  // Thunderbird's own reading of these two words (readFromXML's outgoing mapping).
  'client-ip-address': 'none',
  'tls-client-cert': 'External',
};

export function thunderbirdAuthMethod(stored: string): TbAuthMethod | undefined {
  return AUTH_METHODS[stored.trim().toLowerCase()];
}

/** A host name as clients must get it: A-labels (punycode), lower case. */
export function aLabel(host: string): string {
  return domainToASCII(host.trim()) || host.trim().toLowerCase();
}

export function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** An address as the user typed it into Thunderbird. */
export interface TypedAddress {
  readonly address: string;
  readonly localPart: string;
  readonly domain: string;
}

export function typedAddress(address: string): TypedAddress {
  const at = address.lastIndexOf('@');
  return { address, localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

/** %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% filled in from the typed address. */
export function fillPlaceholders(template: string, address: TypedAddress): string {
  return template
    .replaceAll('%EMAILADDRESS%', address.address)
    .replaceAll('%EMAILLOCALPART%', address.localPart)
    .replaceAll('%EMAILDOMAIN%', address.domain);
}

export const hasPlaceholder = (text: string): boolean =>
  /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/.test(text);

/**
 * A user name for comparison: domain names are case-insensitive, so the typed domain
 * compares in lower case wherever it appears (Thunderbird lower-cases %EMAILDOMAIN%,
 * Autodiscover answers with the domain as typed).
 */
export function comparableUsername(username: string | null, address: TypedAddress): string | null {
  if (username === null || address.domain === '') return username;
  const escaped = address.domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return username.replace(new RegExp(escaped, 'gi'), address.domain.toLowerCase());
}
