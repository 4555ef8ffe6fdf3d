import { Injectable } from '@nestjs/common';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import {
  missingArgument,
  parseDomainName,
  parseEmailAddress,
} from '../mail-settings/address-parser';
import type { DomainSettings } from '../mail-settings/domain-settings';
import { AutoconfigRenderer } from './autoconfig.renderer';

export interface AutoconfigQuery {
  readonly emailAddress?: string;
  readonly emailDomain?: string;
  /** Host name of the request, without port. */
  readonly host?: string;
  /** Whether the request came in on /.well-known/autoconfig/... */
  readonly wellKnown: boolean;
}

const AUTOCONFIG_PREFIX = 'autoconfig.';

/** Mozilla autoconfig: for an address, or generic for a domain (K-9, KMail send none). */
@Injectable()
export class AutoconfigService {
  /**
   * The document depends only on the domain's settings unless the directory adds a
   * uid, so it is rendered once per settings object (which the settings cache shares
   * between requests for `cache_ttl`).
   */
  private readonly rendered = new WeakMap<DomainSettings, string>();

  constructor(
    private readonly resolver: MailboxResolver,
    private readonly renderer: AutoconfigRenderer,
  ) {}

  async document(query: AutoconfigQuery): Promise<string> {
    if (query.emailAddress?.trim()) {
      const mailbox = await this.resolver.resolve(parseEmailAddress(query.emailAddress));
      if (mailbox.directory?.uid) return this.renderer.render(mailbox.settings, mailbox.directory);
      return this.renderOnce(mailbox.settings);
    }
    const domain = domainWithoutAddress(query);
    return this.renderOnce(await this.resolver.domainSettings(parseDomainName(domain)));
  }

  private renderOnce(settings: DomainSettings): string {
    let document = this.rendered.get(settings);
    if (document === undefined) {
      document = this.renderer.render(settings);
      this.rendered.set(settings, document);
    }
    return document;
  }
}

function domainWithoutAddress(query: AutoconfigQuery): string {
  if (query.emailDomain?.trim()) return query.emailDomain;
  const host = query.host ?? '';
  if (host.startsWith(AUTOCONFIG_PREFIX) && host.length > AUTOCONFIG_PREFIX.length) {
    return host.slice(AUTOCONFIG_PREFIX.length);
  }
  if (query.wellKnown && host.includes('.') && !isIpLiteral(host)) return host;
  throw missingArgument('emailaddress');
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}
