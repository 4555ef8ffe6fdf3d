import { Module } from '@nestjs/common';
import { AutoconfigModule } from '../autoconfig/autoconfig.module';
import { AutodiscoverModule } from '../autodiscover/autodiscover.module';
import { MailSettingsModule } from '../mail-settings/mail-settings.module';
import { MobileconfigModule } from '../mobileconfig/mobileconfig.module';
import { PreviewService } from './preview.service';

/** Every client's answer for an address, from the services the client routes use. */
@Module({
  imports: [MailSettingsModule, AutoconfigModule, AutodiscoverModule, MobileconfigModule],
  providers: [PreviewService],
  exports: [PreviewService],
})
export class PreviewModule {}
