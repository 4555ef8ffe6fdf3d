import { Injectable, Logger } from '@nestjs/common';
import { TemplateCache, type SlotValues } from '../common/document-template';
import { AppConfigService } from '../config/app-config.service';
import { missingArgument, parseEmailAddress } from '../mail-settings/address-parser';
import { addressFromSlots, addressSlots } from '../mail-settings/address-slots';
import type { DomainSettings } from '../mail-settings/domain-settings';
import { DomainSettingsCache } from '../mail-settings/domain-settings.cache';
import type { EmailAddress } from '../mail-settings/mailbox';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import { contentDispositionFilename } from './content-disposition';
import { defaultUuid, MobileconfigRenderer, profileIdentifier } from './mobileconfig.renderer';
import { ProfileSignerSlot } from './profile-signer-slot';

export interface MobileconfigQuery {
  readonly emailAddress?: string;
  /** The `name` parameter: EmailAccountName (else the directory's cn). */
  readonly name?: string;
  /** The `password` parameter: embedded only with PERMIT_CLEARTEXT_PASSWORDS. */
  readonly password?: string;
}

/** A profile ready to send: plist XML, or CMS SignedData (DER) when signing is on. */
export interface MobileconfigDownload {
  /** The plist XML as text, or the signed profile's DER bytes. */
  readonly body: string | Buffer;
  /** The whole Content-Disposition value (`attachment; filename="<domain>.mobileconfig"`). */
  readonly contentDisposition: string;
}

const IDENTIFIER_SLOT = 'identifier';
const UUID_SLOT = 'uuid';

/** Apple configuration profiles (BEHAVIOUR.md §6), signed when configured. */
@Injectable()
export class MobileconfigService {
  private readonly logger = new Logger('Mobileconfig');
  /**
   * With the settings cache on, a profile for an address alone (no `name`, no
   * `password`, no directory data) is filled into a template rendered once per
   * settings object: the address, the PayloadIdentifier and fresh UUIDs are its only
   * per-request text (document-template.ts).
   */
  private readonly templates: TemplateCache<DomainSettings> | null;

  constructor(
    private readonly resolver: MailboxResolver,
    private readonly renderer: MobileconfigRenderer,
    private readonly config: AppConfigService,
    private readonly signers: ProfileSignerSlot,
    cache: DomainSettingsCache,
  ) {
    this.templates = cache.enabled ? new TemplateCache() : null;
  }

  async profile(query: MobileconfigQuery): Promise<MobileconfigDownload> {
    const unsigned = await this.unsignedProfile(query);
    const signer = this.signers.current;
    return signer ? { ...unsigned, body: signer.sign(unsigned.body) } : unsigned;
  }

  /** The profile's plist XML before any signing (the admin preview shows it as text). */
  async unsignedProfile(
    query: MobileconfigQuery,
  ): Promise<MobileconfigDownload & { body: string }> {
    if (!query.emailAddress?.trim()) throw missingArgument('emailaddress');
    const address = parseEmailAddress(query.emailAddress);
    const password = this.permittedPassword(query.password);
    const { settings, directory } = await this.resolver.resolve(address);
    const xml =
      this.templates !== null && directory === undefined && !query.name && !password
        ? this.fromTemplate(this.templates, settings, address)
        : this.renderer.render({ settings, address, displayName: query.name, password, directory });
    return { body: xml, contentDisposition: contentDispositionFilename(address.domain) };
  }

  private fromTemplate(
    templates: TemplateCache<DomainSettings>,
    settings: DomainSettings,
    address: EmailAddress,
  ): string {
    const render = (value: SlotValues): string => {
      let uuids = 0;
      return this.renderer.render({
        settings,
        address: addressFromSlots(value),
        payloadIdentifier: value(IDENTIFIER_SLOT),
        uuid: () => value(`${UUID_SLOT}${uuids++}`),
      });
    };
    const values = addressSlots(address, (name) => {
      if (name === IDENTIFIER_SLOT) return profileIdentifier(address);
      if (name.startsWith(UUID_SLOT)) return defaultUuid();
      throw new RangeError(`Unknown slot: ${name}`);
    });
    return templates.render(settings, render, values);
  }

  /** The password when the operator opted in; otherwise dropped, with one warning. */
  private permittedPassword(password: string | undefined): string | undefined {
    if (!password) return undefined;
    if (this.config.values.permitCleartextPasswords) return password;
    this.logger.warn('password parameter dropped: PERMIT_CLEARTEXT_PASSWORDS not set');
    return undefined;
  }
}
