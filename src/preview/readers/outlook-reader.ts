import type { EmailAddress } from '../../mail-settings/mailbox';
import { accepted, rejected, type AccountServer, type ClientReading } from './account-summary';
import {
  childElement,
  childElements,
  childText,
  rootElement,
  type XmlElement,
} from './xml-elements';

/**
 * Reads an Autodiscover POX answer as Outlook does (MS-OXDSCLI, CLIENTS.md): the first
 * IMAP or POP3 `Protocol` and the first SMTP one; `Encryption` when present (`SSL` =
 * implicit TLS, `TLS` = STARTTLS), else `SSL` on/off; `SPA` on means NTLM/Kerberos;
 * without a `LoginName` it logs in with the address.
 */

const ENCRYPTION_WORDS: Readonly<Record<string, string>> = {
  SSL: 'TLS',
  TLS: 'STARTTLS',
  Auto: 'auto (TLS when offered)',
  None: 'none',
};

const INCOMING_TYPES: ReadonlySet<string> = new Set(['IMAP', 'POP3']);

export function readOutlook(document: string, address: EmailAddress): ClientReading {
  const root = rootElement(document);
  const response = root === null ? null : childElement(root, 'Response');
  if (root?.localName !== 'Autodiscover' || response === null) {
    return rejected('not an Autodiscover answer');
  }
  const error = childElement(response, 'Error');
  if (error !== null) return rejected(`an error answer (${childText(error, 'Message') ?? ''})`);
  const account = childElement(response, 'Account');
  if (account === null) return rejected('no Account');
  const protocols = childElements(account, 'Protocol');
  const incoming = protocols.find((protocol) => INCOMING_TYPES.has(typeOf(protocol)));
  if (incoming === undefined) return rejected('no IMAP or POP3 server');
  const outgoing = protocols.find((protocol) => typeOf(protocol) === 'SMTP');
  if (outgoing === undefined) return rejected('no SMTP server');
  return accepted([readProtocol(incoming, address), readProtocol(outgoing, address)]);
}

function typeOf(protocol: XmlElement): string {
  return childText(protocol, 'Type')?.trim() ?? '';
}

function readProtocol(protocol: XmlElement, address: EmailAddress): AccountServer {
  const portText = childText(protocol, 'Port')?.trim() ?? '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : null;
  const encryption = childText(protocol, 'Encryption')?.trim();
  const ssl = childText(protocol, 'SSL')?.trim() ?? 'on';
  const security =
    encryption === undefined
      ? ssl === 'off'
        ? 'none'
        : 'TLS'
      : (ENCRYPTION_WORDS[encryption] ?? encryption);
  const spa = childText(protocol, 'SPA')?.trim() === 'on';
  const loginName = childText(protocol, 'LoginName')?.trim() ?? '';
  return {
    protocol: typeOf(protocol),
    host: childText(protocol, 'Server')?.trim() ?? '',
    port,
    security,
    authentication: spa ? 'SPA (NTLM or Kerberos)' : 'password',
    user: loginName === '' ? address.address : loginName,
  };
}
