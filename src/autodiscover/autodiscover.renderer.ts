import { Injectable } from '@nestjs/common';
import { create } from 'xmlbuilder2';
import { DomainError } from '../common/domain-error';
import { xmlText } from '../common/xml-text';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import { outlookSecurity } from '../mail-settings/client-vocabulary';
import type { DirectoryEntry, EmailAddress } from '../mail-settings/mailbox';
import { expandPlaceholders } from '../mail-settings/placeholders';
import {
  MOBILESYNC_RESPONSE_NS,
  OUTLOOK_RESPONSE_NS,
  RESPONSE_NS,
} from './autodiscover-namespaces';

/** The builder type (not exported from the package root). */
type XMLBuilder = ReturnType<typeof create>;

/** Error codes of the mobilesync Autodiscover error document (MS-ASCMD §2.2.3.64). */
export type MobilesyncErrorCode = 600 | 601;

const MAIL_PROTOCOL_TYPES: Readonly<Record<string, string>> = {
  imap: 'IMAP',
  pop: 'POP3',
  smtp: 'SMTP',
};

const DAV_PROTOCOL_TYPES: Readonly<Record<string, string>> = {
  caldav: 'CalDAV',
  carddav: 'CardDAV',
};

const MOBILESYNC_MESSAGES: Readonly<Record<MobilesyncErrorCode, string>> = {
  600: 'Invalid Request',
  601: 'No ActiveSync provider is available for this address',
};

/**
 * MS-ASCMD §2.2.3.177.1: 1 means success and is never sent; 2 is "protocol error", the
 * only error status the Autodiscover command defines.
 */
const MOBILESYNC_ERROR_STATUS = '2';

/**
 * Writes Autodiscover responses (BEHAVIOUR.md §5, CLIENTS.md): compact, no XML
 * declaration, empty elements as `<x />`, default namespaces only. Every value goes
 * through xmlbuilder2, which escapes it (after xmlText for its `&`); text that XML cannot carry (control
 * characters) is refused as unsupported data instead of producing a broken document.
 */
@Injectable()
export class AutodiscoverRenderer {
  /**
   * The Outlook POX response. Mail `Protocol` children: Type, Server, Port, LoginName,
   * SSL, Encryption (when mapped), SPA (client-vocabulary.ts `outlookSecurity`). DAV `Protocol` children: Type, Server, Port
   * (when > 0), SSL, DomainRequired, LoginName (when non-empty).
   */
  renderOutlook(
    settings: DomainSettings,
    address: EmailAddress,
    directory?: DirectoryEntry,
  ): string {
    const response = create().ele(RESPONSE_NS, 'Autodiscover').ele(OUTLOOK_RESPONSE_NS, 'Response');
    const cn = directory?.cn ?? '';
    if (cn !== '') response.ele('User').ele('DisplayName').txt(xmlText(cn));
    const account = response.ele('Account');
    account.ele('AccountType').txt('email');
    account.ele('Action').txt('settings');
    for (const server of settings.servers) {
      appendMailProtocol(account, server, address, directory?.uid ?? '');
    }
    for (const server of settings.davServers) appendDavProtocol(account, server, address);
    return serialise(response);
  }

  /**
   * The mobilesync error document (MS-ASCMD AutodiscoverMobileSync.xsd): Culture,
   * User/EMailAddress (only when the address is known; the schema requires it inside
   * User), Action/Error with Status, Message, DebugData and ErrorCode.
   */
  renderMobilesyncError(errorCode: MobilesyncErrorCode, address: string | null): string {
    const response = create()
      .ele(RESPONSE_NS, 'Autodiscover')
      .ele(MOBILESYNC_RESPONSE_NS, 'Response');
    response.ele('Culture').txt('en:us');
    if (address !== null && address !== '') {
      response.ele('User').ele('EMailAddress').txt(xmlText(address));
    }
    const error = response.ele('Action').ele('Error');
    error.ele('Status').txt(MOBILESYNC_ERROR_STATUS);
    error.ele('Message').txt(MOBILESYNC_MESSAGES[errorCode]);
    error.ele('DebugData').txt('MailUser');
    error.ele('ErrorCode').txt(String(errorCode));
    return serialise(response);
  }
}

function appendMailProtocol(
  account: XMLBuilder,
  server: MailServer,
  address: EmailAddress,
  uid: string,
): void {
  const type = MAIL_PROTOCOL_TYPES[server.type];
  if (type === undefined) throw new DomainError('UNSUPPORTED_DATA', 'Unsupported server type');
  const protocol = account.ele('Protocol');
  protocol.ele('Type').txt(type);
  protocol.ele('Server').txt(xmlText(server.name));
  protocol.ele('Port').txt(String(server.port));
  appendOptionalText(
    protocol,
    'LoginName',
    uid !== '' ? uid : expandPlaceholders(server.userName, address),
  );
  const security = outlookSecurity(server.socketType, server.authentication);
  protocol.ele('SSL').txt(security.ssl);
  if (security.encryption !== undefined) protocol.ele('Encryption').txt(security.encryption);
  protocol.ele('SPA').txt(security.spa);
}

function appendDavProtocol(account: XMLBuilder, server: DavServer, address: EmailAddress): void {
  const type = DAV_PROTOCOL_TYPES[server.type];
  if (type === undefined) return;
  const protocol = account.ele('Protocol');
  protocol.ele('Type').txt(type);
  protocol.ele('Server').txt(xmlText(server.url));
  if (server.port > 0) protocol.ele('Port').txt(String(server.port));
  protocol.ele('SSL').txt(onOff(server.useSsl));
  protocol.ele('DomainRequired').txt(onOff(server.domainRequired));
  const loginName = expandPlaceholders(server.userName ?? '', address);
  if (loginName !== '') protocol.ele('LoginName').txt(xmlText(loginName));
}

/** An element with text, or an empty element (`<Name />`) when the text is empty. */
function appendOptionalText(parent: XMLBuilder, name: string, text: string): void {
  const element = parent.ele(name);
  if (text !== '') element.txt(xmlText(text));
}

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

function serialise(node: XMLBuilder): string {
  try {
    return node.end({
      headless: true,
      prettyPrint: false,
      spaceBeforeSlash: true,
      wellFormed: true,
    });
  } catch {
    throw new DomainError('UNSUPPORTED_DATA', 'Stored data cannot be written as XML');
  }
}
