import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfigService } from '../config/app-config.service';
import { DomainSettingsRepository } from '../database/domain-settings.repository';
import { DirectoryPort } from '../directory/directory.port';
import type { DomainSettings } from './domain-settings';
import { DomainSettingsCache } from './domain-settings.cache';
import { domainLookupNames } from './domain-names';
import type { DirectoryEntry, EmailAddress } from './mailbox';

export interface ResolvedMailbox {
  readonly settings: DomainSettings;
  /** Present when the domain has an LDAP server and the directory knew the address. */
  readonly directory?: DirectoryEntry;
}

/** The shared use case of every protocol: address (or domain) in, settings out. */
@Injectable()
export class MailboxResolver {
  constructor(
    private readonly domains: DomainSettingsRepository,
    private readonly directory: DirectoryPort,
    private readonly config: AppConfigService,
    private readonly cache: DomainSettingsCache,
  ) {}

  /** The domain's settings, or UNKNOWN_DOMAIN. */
  async domainSettings(domain: string): Promise<DomainSettings> {
    const names = domainLookupNames(domain);
    const settings = await this.cache.get(names.join('\n'), () =>
      this.domains.findDomainWithServers(names),
    );
    if (!settings) throw new DomainError('UNKNOWN_DOMAIN', 'Unknown domain');
    return settings;
  }

  /** The settings for one mailbox, consulting the directory where the domain has one. */
  async resolve(address: EmailAddress): Promise<ResolvedMailbox> {
    const settings = await this.domainSettings(address.domain);
    if (!settings.ldapServer) return { settings };
    const entry = await this.directory.lookup(address.address, settings.ldapServer);
    if (entry) return { settings, directory: entry };
    // ldap_no_match = generic: do not reveal whether the directory knows the address.
    if (this.config.values.directory.noMatch === 'generic') return { settings };
    throw new DomainError('NO_DIRECTORY_ENTRY', 'No directory entry');
  }
}
