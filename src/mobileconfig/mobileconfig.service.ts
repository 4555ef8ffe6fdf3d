import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { missingArgument, parseEmailAddress } from '../mail-settings/address-parser';
import { MailboxResolver } from '../mail-settings/mailbox-resolver.service';
import { contentDispositionFilename } from './content-disposition';
import { MobileconfigRenderer } from './mobileconfig.renderer';
import { PROFILE_SIGNER, type ProfileSigner } from './profile-signer';

export interface MobileconfigQuery {
  readonly emailAddress?: string;
  /** The `name` parameter: EmailAccountName (else the directory's cn). */
  readonly name?: string;
  /** The `password` parameter: embedded only with PERMIT_CLEARTEXT_PASSWORDS. */
  readonly password?: string;
}

/** A profile ready to send: plist XML, or CMS SignedData (DER) when signing is on. */
export interface MobileconfigDownload {
  readonly body: Buffer;
  /** The whole Content-Disposition value (`attachment; filename="<domain>.mobileconfig"`). */
  readonly contentDisposition: string;
}

/** Apple configuration profiles (BEHAVIOUR.md §6), signed when configured. */
@Injectable()
export class MobileconfigService {
  private readonly logger = new Logger('Mobileconfig');

  constructor(
    private readonly resolver: MailboxResolver,
    private readonly renderer: MobileconfigRenderer,
    private readonly config: AppConfigService,
    @Inject(PROFILE_SIGNER) private readonly signer: ProfileSigner | null,
  ) {}

  async profile(query: MobileconfigQuery): Promise<MobileconfigDownload> {
    if (!query.emailAddress?.trim()) throw missingArgument('emailaddress');
    const address = parseEmailAddress(query.emailAddress);
    const password = this.permittedPassword(query.password);
    const mailbox = await this.resolver.resolve(address);
    const xml = this.renderer.render({
      settings: mailbox.settings,
      address,
      displayName: query.name,
      password,
      directory: mailbox.directory,
    });
    return {
      body: this.signer ? this.signer.sign(xml) : Buffer.from(xml, 'utf8'),
      contentDisposition: contentDispositionFilename(address.domain),
    };
  }

  /** The password when the operator opted in; otherwise dropped, with one warning. */
  private permittedPassword(password: string | undefined): string | undefined {
    if (!password) return undefined;
    if (this.config.values.permitCleartextPasswords) return password;
    this.logger.warn('password parameter dropped: PERMIT_CLEARTEXT_PASSWORDS not set');
    return undefined;
  }
}
