import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfigService } from '../config/app-config.service';
import { DomainSettingsRepository } from '../database/domain-settings.repository';
import { DirectoryPort } from '../directory/directory.port';
import { clientSettings, type UnusablePort } from './client-settings';
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
  private readonly logger = new Logger('MailSettings');
  /** Servers already reported as unusable: one warning per server, not per lookup. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly domains: DomainSettingsRepository,
    private readonly directory: DirectoryPort,
    private readonly config: AppConfigService,
    private readonly cache: DomainSettingsCache,
  ) {}

  /** The domain's settings, or UNKNOWN_DOMAIN. */
  async domainSettings(domain: string): Promise<DomainSettings> {
    const names = domainLookupNames(domain);
    const settings = await this.cache.get(names.join('\n'), async () => {
      const stored = await this.domains.findDomainWithServers(names);
      return stored && clientSettings(stored, (server) => this.reportUnusable(server));
    });
    if (!settings) throw new DomainError('UNKNOWN_DOMAIN', 'Unknown domain');
    return settings;
  }

  private reportUnusable(server: UnusablePort): void {
    const key = `${server.kind}:${server.id}:${server.name}:${server.port}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.logger.warn(
      `${server.kind} ${server.id} (${server.name}) has port ${server.port}, outside 1-65535: ` +
        'left out of every answer until the row is fixed',
    );
  }

  /** The settings for one mailbox, consulting the directory where the domain has one. */
  async resolve(address: EmailAddress): Promise<ResolvedMailbox> {
    const settings = await this.domainSettings(address.domain);
    if (!settings.ldapServer) return { settings };
    const entry = await this.directory.lookup(address.address, settings.ldapServer);
    // ldap_no_match = generic: do not reveal whether the directory knows the address.
    // Unknown addresses get the database usernames; known ones their uid and nothing
    // else — a name (cn) would tell a caller that, and who, the address belongs to.
    if (this.config.values.directory.noMatch === 'generic') {
      return entry?.uid ? { settings, directory: { uid: entry.uid } } : { settings };
    }
    if (entry) return { settings, directory: entry };
    throw new DomainError('NO_DIRECTORY_ENTRY', 'No directory entry');
  }
}
