import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { missingArgument, parseEmailAddress } from '../mail-settings/address-parser';
import type { EmailAddress } from '../mail-settings/mailbox';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import { readAutodiscoverRequest } from './autodiscover-request.reader';
import { AutodiscoverRenderer } from './autodiscover.renderer';

/** What the POX route passes on: the body's media type (no parameters) and its bytes. */
export interface AutodiscoverPost {
  /** Lower-cased media type without parameters; '' when the request has none. */
  readonly mediaType: string;
  readonly body: Buffer;
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
  constructor(
    private readonly resolver: MailboxResolver,
    private readonly renderer: AutodiscoverRenderer,
  ) {}

  async document(post: AutodiscoverPost): Promise<string> {
    if (!XML_MEDIA_TYPES.has(post.mediaType)) {
      throw new DomainError('UNEXPECTED_CONTENT_TYPE', 'Unexpected content type');
    }
    const request = readAutodiscoverRequest(post.body);
    if (request.schema === 'mobilesync') return this.mobilesync(request.emailAddress);
    if (request.emailAddress === null) throw missingArgument('EMailAddress');
    const address = parseEmailAddress(request.emailAddress);
    const mailbox = await this.resolver.resolve(address);
    return this.renderer.renderOutlook(mailbox.settings, address, mailbox.directory);
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
