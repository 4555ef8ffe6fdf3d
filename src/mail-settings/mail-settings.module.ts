import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { DomainSettingsCache } from './domain-settings.cache';
import { MailboxResolver } from './mailbox-resolver.service';

/** The shared use case of the protocol modules: address in, settings out. */
@Module({
  imports: [DirectoryModule],
  providers: [MailboxResolver, DomainSettingsCache],
  exports: [MailboxResolver, DomainSettingsCache],
})
export class MailSettingsModule {}
