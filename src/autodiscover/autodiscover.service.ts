import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TemplateCache } from '../common/document-template';
import { missingArgument, parseEmailAddress } from '../mail-settings/address-parser';
import type { EmailAddress } from '../mail-settings/mailbox';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import { addressFromSlots, addressSlots } from '../mail-settings/address-slots';
import type { DomainSettings } from '../mail-settings/domain-settings';
import { DomainSettingsCache } from '../mail-settings/domain-settings.cache';
import { readAutodiscoverRequest } from './autodiscover-request.reader';
import { AutodiscoverRenderer } from './autodiscover.renderer';

/** What the POX route passes on: the body's media type (no parameters) and its bytes. */
export interface AutodiscoverPost {
  /** Lower-cased media type without parameters; '' when the request has none. */
  readonly mediaType: string;
  readonly body: Buffer;
  /** Told the `EMailAddress` the body names, once read (for the access log). */
  readonly onAddress?: (address: string) => void;
}

/** Media types an Autodiscover body may have (parameters such as charset are allowed). */
const XML_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/xml', 'text/xml']);

/**
 * Autodiscover POX (BEHAVIOUR.md §5, CLIENTS.md): Outlook-schema requests get the
 * account settings; mobilesync (ActiveSync) requests always get the mobilesync error
 * document, because no ActiveSync server stands behind us: 601 for any well-formed
 * address (known domain or not, without a lookup, so the answer tells nothing about
 * the database and cannot fail on it), 600 when the address is missing or invalid.
 */
@Injectable()
export class AutodiscoverService {
  /**
   * The Outlook answer differs between the addresses of a domain only in the address
   * text, so with the settings cache on it is filled into a template rendered once per
   * settings object (document-template.ts); directory data is rendered each time.
   */
  private readonly templates: TemplateCache<DomainSettings> | null;

  constructor(
    private readonly resolver: MailboxResolver,
    private readonly renderer: AutodiscoverRenderer,
    cache: DomainSettingsCache,
  ) {
    this.templates = cache.enabled ? new TemplateCache() : null;
  }

  async document(post: AutodiscoverPost): Promise<string> {
    if (!XML_MEDIA_TYPES.has(post.mediaType)) {
      throw new DomainError('UNEXPECTED_CONTENT_TYPE', 'Unexpected content type');
    }
    const request = readAutodiscoverRequest(post.body);
    if (request.emailAddress !== null) post.onAddress?.(request.emailAddress);
    if (request.schema === 'mobilesync') return this.mobilesync(request.emailAddress);
    if (request.emailAddress === null) throw missingArgument('EMailAddress');
    const address = parseEmailAddress(request.emailAddress);
    const { settings, directory } = await this.resolver.resolve(address);
    if (directory !== undefined || this.templates === null) {
      return this.renderer.renderOutlook(settings, address, directory);
    }
    return this.templates.render(
      settings,
      (value) => this.renderer.renderOutlook(settings, addressFromSlots(value)),
      addressSlots(address),
    );
  }

  private mobilesync(rawAddress: string | null): string {
    const address = rawAddress === null ? null : parseOrNull(rawAddress);
    return address === null
      ? this.renderer.renderMobilesyncError(600, null)
      : this.renderer.renderMobilesyncError(601, address.address);
  }
}

function parseOrNull(raw: string): EmailAddress | null {
  try {
    return parseEmailAddress(raw);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}
