import { Injectable } from '@nestjs/common';
import { create } from 'xmlbuilder2';
import { AutoconfigService } from '../autoconfig/autoconfig.service';
import { OUTLOOK_REQUEST_NS, OUTLOOK_RESPONSE_NS } from '../autodiscover/autodiscover-namespaces';
import { AutodiscoverService } from '../autodiscover/autodiscover.service';
import { DomainError } from '../common/domain-error';
import { ERROR_STATUS } from '../common/error-status';
import { CLIENT_LABELS } from '../doctor/finding';
import { parseEmailAddress } from '../mail-settings/address-parser';
import type { EmailAddress } from '../mail-settings/mailbox';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import { MOBILECONFIG_CONTENT_TYPE } from '../mobileconfig/mobileconfig.controller';
import { MobileconfigService } from '../mobileconfig/mobileconfig.service';
import { PREVIEW_CLIENTS, type ClientPreview, type Preview, type PreviewClient } from './preview';
import { noConfiguration, type ClientReading } from './readers/account-summary';
import { readApple } from './readers/apple-reader';
import { readK9 } from './readers/k9-reader';
import { readOutlook } from './readers/outlook-reader';
import { readThunderbird } from './readers/thunderbird-reader';

const XML_TYPE = 'application/xml';

/** How one client asks, what the route answers it with, and how the client reads it. */
interface ClientRequest {
  /** The request as the client sends it, for the operator to read. */
  readonly request: string;
  readonly contentType: string;
  /** The route's document, from the route's own service; throws as the route would. */
  readonly answer: () => Promise<string>;
  readonly read: (document: string) => ClientReading;
}

/**
 * What Thunderbird, Outlook, Apple devices and K-9 get for one address, side by side:
 * each document comes from the service its route calls, with the arguments that
 * client sends (K-9 sends no address: it asks `autoconfig.<domain>`, so its document
 * keeps the placeholders, which it fills itself); the Apple profile unsigned. Each
 * summary is read from the document the way that client reads it (readers/).
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly resolver: MailboxResolver,
    private readonly autoconfig: AutoconfigService,
    private readonly autodiscover: AutodiscoverService,
    private readonly mobileconfig: MobileconfigService,
  ) {}

  /**
   * The preview for an address. INVALID_ADDRESS for an address the routes refuse,
   * UNKNOWN_DOMAIN when no domain of that name is stored.
   */
  async preview(rawAddress: string): Promise<Preview> {
    const address = parseEmailAddress(rawAddress);
    const settings = await this.resolver.domainSettings(address.domain);
    const clients: ClientPreview[] = [];
    // One after the other: a domain with a directory costs one lookup per client.
    for (const client of PREVIEW_CLIENTS) {
      clients.push(await this.clientPreview(client, this.requestOf(client, address)));
    }
    return { address: address.address, domain: settings.domainName, clients };
  }

  private requestOf(client: PreviewClient, address: EmailAddress): ClientRequest {
    const query = `?emailaddress=${encodeURIComponent(address.address)}`;
    switch (client) {
      case 'thunderbird':
        return {
          request: `GET /mail/config-v1.1.xml${query}`,
          contentType: XML_TYPE,
          answer: () =>
            this.autoconfig.document({ emailAddress: address.address, wellKnown: false }),
          read: (document) => readThunderbird(document, address),
        };
      case 'outlook':
        return {
          request: `POST /autodiscover/autodiscover.xml (Outlook request for ${address.address})`,
          contentType: XML_TYPE,
          answer: () =>
            this.autodiscover.document({
              mediaType: XML_TYPE,
              body: Buffer.from(outlookRequest(address.address), 'utf8'),
            }),
          read: (document) => readOutlook(document, address),
        };
      case 'apple':
        return {
          request: `GET /mobileconfig/${query}`,
          contentType: MOBILECONFIG_CONTENT_TYPE,
          answer: async () =>
            (await this.mobileconfig.unsignedProfile({ emailAddress: address.address })).body,
          read: (document) => readApple(document),
        };
      case 'k9': {
        const host = `autoconfig.${address.domain}`;
        return {
          request: `GET /mail/config-v1.1.xml (Host: ${host})`,
          contentType: XML_TYPE,
          answer: () => this.autoconfig.document({ host, wellKnown: false }),
          read: (document) => readK9(document, address),
        };
      }
    }
  }

  private async clientPreview(client: PreviewClient, call: ClientRequest): Promise<ClientPreview> {
    const base = { client, label: CLIENT_LABELS[client], request: call.request };
    let document: string;
    try {
      document = await call.answer();
    } catch (error) {
      // As the route would answer (an unreachable directory is that client's 503).
      if (!(error instanceof DomainError)) throw error;
      const status: number = ERROR_STATUS[error.code];
      return {
        ...base,
        status,
        contentType: null,
        document: '',
        ...noConfiguration(status, status === 204 ? null : error.message),
      };
    }
    return {
      ...base,
      status: 200,
      contentType: call.contentType,
      document,
      ...call.read(document),
    };
  }
}

/** The POX request Outlook sends (MS-OXDSCLI), for the address. */
export function outlookRequest(address: string): string {
  return create({ version: '1.0', encoding: 'utf-8' })
    .ele(OUTLOOK_REQUEST_NS, 'Autodiscover')
    .ele('Request')
    .ele('EMailAddress')
    .txt(address)
    .up()
    .ele('AcceptableResponseSchema')
    .txt(OUTLOOK_RESPONSE_NS)
    .doc()
    .end({ prettyPrint: false });
}
