import { Logger, Module } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { MailSettingsModule } from '../mail-settings/mail-settings.module';
import { MobileconfigController } from './mobileconfig.controller';
import { MobileconfigRenderer } from './mobileconfig.renderer';
import { MobileconfigService } from './mobileconfig.service';
import { PROFILE_SIGNER, ProfileSigner, loadProfileSigner } from './profile-signer';

/**
 * The signer, or null when signing is off. Reads the PEM files once; a problem with
 * them throws ConfigProblems, which stops start-up.
 */
function profileSignerFactory(config: AppConfigService): ProfileSigner | null {
  const signer = loadProfileSigner(config.values);
  if (signer) logSigner(signer);
  return signer;
}

function logSigner(signer: ProfileSigner): void {
  const logger = new Logger('Mobileconfig');
  const now = Date.now();
  const validity = `valid ${signer.validFrom.toISOString()} to ${signer.validTo.toISOString()}`;
  if (signer.validTo.getTime() < now || signer.validFrom.getTime() > now) {
    logger.warn(`profile signing certificate ${signer.subject} is not valid now (${validity})`);
  } else {
    logger.log(`profiles are signed as ${signer.subject} (${validity})`);
  }
}

@Module({
  imports: [MailSettingsModule],
  controllers: [MobileconfigController],
  providers: [
    MobileconfigService,
    MobileconfigRenderer,
    { provide: PROFILE_SIGNER, inject: [AppConfigService], useFactory: profileSignerFactory },
  ],
})
export class MobileconfigModule {}
