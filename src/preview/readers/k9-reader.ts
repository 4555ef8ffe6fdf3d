import type { EmailAddress } from '../../mail-settings/mailbox';
import { expandPlaceholders } from '../../mail-settings/placeholders';
import {
  accepted,
  authenticationWord,
  rejected,
  type AccountServer,
  type ClientReading,
} from './account-summary';
import { emailProviderOf } from './client-config';
import { childElements, childText, type XmlElement } from './xml-elements';

/**
 * Reads a clientConfig document as Thunderbird for Android (K-9) does (CLIENTS.md): it
 * refuses the whole document when any IMAP or SMTP section lacks hostname, port or
 * socketType, has no username element (an empty one is taken as an empty name), has a socketType other than SSL/STARTTLS or a port outside
 * 1–65535, or offers no password or OAuth2 authentication. POP servers are skipped (it
 * cannot use them); it needs an IMAP and an SMTP server. Placeholders are filled from
 * the address the user typed.
 */

const SOCKET_TYPES: Readonly<Record<string, string>> = { SSL: 'TLS', STARTTLS: 'STARTTLS' };

const AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
]);

export function readK9(document: string, address: EmailAddress): ClientReading {
  const provider = emailProviderOf(document);
  if (provider === null) return rejected('not a clientConfig document');
  const incoming = childElements(provider, 'incomingServer');
  const imap = incoming.filter((element) => element.getAttribute('type') === 'imap');
  const smtp = childElements(provider, 'outgoingServer').filter(
    (element) => element.getAttribute('type') === 'smtp',
  );
  const servers: AccountServer[] = [];
  for (const [element, protocol] of [
    ...imap.map((element) => [element, 'IMAP'] as const),
    ...smtp.map((element) => [element, 'SMTP'] as const),
  ]) {
    const read = readServer(element, protocol, address);
    if (typeof read === 'string') return rejected(read);
    servers.push(read);
  }
  const firstImap = servers.find((server) => server.protocol === 'IMAP');
  if (firstImap === undefined) {
    const popOnly = incoming.some((element) => element.getAttribute('type') === 'pop3');
    return rejected(popOnly ? 'no IMAP server (POP only)' : 'no IMAP server');
  }
  const firstSmtp = servers.find((server) => server.protocol === 'SMTP');
  if (firstSmtp === undefined) return rejected('no SMTP server');
  return accepted([firstImap, firstSmtp]);
}

/** The server, or why the whole document is refused because of it. */
function readServer(
  element: XmlElement,
  protocol: string,
  address: EmailAddress,
): AccountServer | string {
  const host = expandPlaceholders(childText(element, 'hostname')?.trim() ?? '', address);
  const what = `${protocol} server ${host === '' ? '(no hostname)' : host}`;
  if (host === '') return `${what}: no hostname`;
  const portText = childText(element, 'port')?.trim() ?? '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return `${what}: port outside 1-65535`;
  const socketTypeText = childText(element, 'socketType')?.trim() ?? '';
  const socketType = SOCKET_TYPES[socketTypeText];
  if (socketType === undefined) {
    return `${what}: socketType ${socketTypeText === '' ? 'missing' : `"${socketTypeText}"`} (only SSL or STARTTLS)`;
  }
  // Any text will do, even none; only a missing element refuses the document.
  const userText = childText(element, 'username');
  if (userText === null) return `${what}: no username element`;
  const user = expandPlaceholders(userText.trim(), address);
  const authentication = childElements(element, 'authentication')
    .map((child) => (child.textContent ?? '').trim())
    .find((name) => AUTHENTICATIONS.has(name));
  if (authentication === undefined) return `${what}: no password or OAuth2 authentication`;
  return {
    protocol,
    host,
    port,
    security: socketType,
    authentication: authenticationWord(authentication),
    user,
  };
}
