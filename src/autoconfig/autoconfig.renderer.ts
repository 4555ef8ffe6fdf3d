import { Injectable } from '@nestjs/common';
import { create } from 'xmlbuilder2';
import { DomainError } from '../common/domain-error';
import { xmlText } from '../common/xml-text';
import type { DomainSettings, MailServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';
import { mozillaAuthentication, mozillaSocketType } from '../mail-settings/client-vocabulary';
import { autoconfigServerKind } from './autoconfig-mapping';

type XMLBuilder = ReturnType<typeof create>;

/**
 * Renders the Mozilla clientConfig 1.1 document (BEHAVIOUR.md §4): compact, no XML
 * declaration, empty elements as `<x />`. Placeholders are left for the client to
 * expand; DAV servers are not emitted. Every value goes through xmlbuilder2, which
 * escapes it (after xmlText for its `&`).
 */
@Injectable()
export class AutoconfigRenderer {
  render(settings: DomainSettings, directory?: DirectoryEntry): string {
    const root = create().ele('clientConfig', { version: '1.1' });
    const provider = root.ele('emailProvider', { id: `automx2-${settings.provider.id}` });
    provider.ele('identity');
    for (const domain of settings.providerDomains) {
      appendText(provider, 'domain', domain);
    }
    appendText(provider, 'displayName', settings.provider.name);
    appendText(provider, 'displayShortName', settings.provider.shortName);
    const uid = directory?.uid ? directory.uid : undefined;
    for (const server of settings.servers) {
      appendServer(provider, server, uid);
    }
    return serialize(root);
  }
}

function appendServer(parent: XMLBuilder, server: MailServer, uid: string | undefined): void {
  const kind = autoconfigServerKind(server.type);
  if (kind === undefined) {
    throw new DomainError('UNSUPPORTED_DATA', 'Unsupported server type');
  }
  const element = parent.ele(kind.element, { type: kind.type });
  appendText(element, 'hostname', server.name);
  appendText(element, 'port', String(server.port));
  appendText(element, 'socketType', mozillaSocketType(server.socketType));
  appendText(element, 'username', uid ?? server.userName);
  appendText(element, 'authentication', mozillaAuthentication(server.authentication));
}

/** Adds `<name>text</name>`; an empty text gives `<name />`, as upstream writes it. */
function appendText(parent: XMLBuilder, name: string, text: string): void {
  const element = parent.ele(name);
  if (text !== '') {
    element.txt(xmlText(text));
  }
}

/**
 * `wellFormed` makes xmlbuilder2 refuse characters XML cannot carry (control
 * characters, lone surrogates) instead of writing a document no client can parse.
 */
function serialize(root: XMLBuilder): string {
  try {
    return root.end({
      headless: true,
      prettyPrint: false,
      spaceBeforeSlash: true,
      wellFormed: true,
    });
  } catch {
    throw new DomainError('UNSUPPORTED_DATA', 'Stored data cannot be written as XML');
  }
}
