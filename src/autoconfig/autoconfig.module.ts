import { Module } from '@nestjs/common';
import { MailSettingsModule } from '../mail-settings/mail-settings.module';
import { AutoconfigController } from './autoconfig.controller';
import { AutoconfigRenderer } from './autoconfig.renderer';
import { AutoconfigService } from './autoconfig.service';

@Module({
  imports: [MailSettingsModule],
  controllers: [AutoconfigController],
  providers: [AutoconfigService, AutoconfigRenderer],
  exports: [AutoconfigService],
})
export class AutoconfigModule {}
