import { Module } from '@nestjs/common';
import { MailSettingsModule } from '../mail-settings/mail-settings.module';
import { AutodiscoverJsonController } from './autodiscover-json.controller';
import { AutodiscoverJsonService } from './autodiscover-json.service';
import { AutodiscoverController } from './autodiscover.controller';
import { AutodiscoverRenderer } from './autodiscover.renderer';
import { AutodiscoverService } from './autodiscover.service';

/** Autodiscover: Outlook POX and mobilesync (POST …/autodiscover.xml), v2 JSON (GET). */
@Module({
  imports: [MailSettingsModule],
  controllers: [AutodiscoverController, AutodiscoverJsonController],
  providers: [AutodiscoverService, AutodiscoverRenderer, AutodiscoverJsonService],
  exports: [AutodiscoverService],
})
export class AutodiscoverModule {}
