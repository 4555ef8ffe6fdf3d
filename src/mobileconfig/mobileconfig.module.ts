import { Logger, Module } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { MailSettingsModule } from '../mail-settings/mail-settings.module';
import { MetricsService } from '../metrics/metrics.service';
import { MobileconfigController } from './mobileconfig.controller';
import { MobileconfigRenderer } from './mobileconfig.renderer';
import { MobileconfigService } from './mobileconfig.service';
import { loadProfileSigner } from './profile-signer';
import { ProfileSignerSlot } from './profile-signer-slot';
import { SigningCertificateMonitor } from './signing-certificate.monitor';

/**
 * The signer (none when signing is off) in its slot, which a reload refills. Reads the
 * PEM files; a problem with them throws ConfigProblems, which stops start-up.
 */
function profileSignerSlotFactory(config: AppConfigService): ProfileSignerSlot {
  const signer = loadProfileSigner(config.values);
  if (signer) new Logger('Mobileconfig').log(`profiles are signed as ${signer.describe()}`);
  return new ProfileSignerSlot(signer);
}

@Module({
  imports: [MailSettingsModule],
  controllers: [MobileconfigController],
  providers: [
    MobileconfigService,
    MobileconfigRenderer,
    {
      provide: ProfileSignerSlot,
      inject: [AppConfigService],
      useFactory: profileSignerSlotFactory,
    },
    {
      provide: SigningCertificateMonitor,
      inject: [ProfileSignerSlot, MetricsService],
      useFactory: (slot: ProfileSignerSlot, metrics: MetricsService) =>
        new SigningCertificateMonitor(slot, metrics),
    },
  ],
  exports: [ProfileSignerSlot, MobileconfigService],
})
export class MobileconfigModule {}
