import type { ConfigService } from '@nestjs/config';
import type { AppConfig, DirectoryConfig } from '../../src/config/app-config';
import { AppConfigService } from '../../src/config/app-config.service';
import { DataChanges } from '../../src/database/data-changes';
import { DomainSettingsRepository } from '../../src/database/domain-settings.repository';
import { DirectoryPort } from '../../src/directory/directory.port';
import type {
  DavServer,
  DomainSettings,
  LdapServer,
} from '../../src/mail-settings/domain-settings';
import { DomainSettingsCache } from '../../src/mail-settings/domain-settings.cache';
import type { DirectoryEntry } from '../../src/mail-settings/mailbox';
import { MailboxResolver } from '../../src/mail-settings/mailbox-resolver.service';

/** In-memory domains, keyed by lower-case name; counts lookups. */
export class FakeDomainSettingsRepository extends DomainSettingsRepository {
  lookups = 0;

  constructor(private readonly domains: Readonly<Record<string, DomainSettings>>) {
    super(undefined as never);
  }

  override findDomainWithServers(names: readonly string[]): Promise<DomainSettings | null> {
    this.lookups++;
    const found = names.map((name) => this.domains[name]).find(Boolean);
    return Promise.resolve(found ?? null);
  }
}

/** A directory that answers every lookup with one entry (or none). */
export class FakeDirectory extends DirectoryPort {
  constructor(private readonly entry: DirectoryEntry | null) {
    super();
  }

  lookup(): Promise<DirectoryEntry | null> {
    return Promise.resolve(this.entry);
  }
}

export interface FakeMailboxOptions {
  readonly domains: Readonly<Record<string, DomainSettings>>;
  readonly directory?: DirectoryEntry | null;
  /** cache_ttl in ms; 0 (the default) turns the settings cache off. */
  readonly cacheTtlMs?: number;
  readonly config?: Partial<AppConfig>;
}

/** A real MailboxResolver and settings cache over in-memory domains and directory. */
export function fakeMailbox(options: FakeMailboxOptions) {
  const values = {
    directory: { noMatch: '204' } as DirectoryConfig,
    settingsCache: { ttlMs: options.cacheTtlMs ?? 0, maxEntries: 100, maxBytes: 1 << 20 },
    ...options.config,
  } as AppConfig;
  const config = new AppConfigService({ get: () => values } as unknown as ConfigService);
  const repository = new FakeDomainSettingsRepository(options.domains);
  const cache = new DomainSettingsCache(config, new DataChanges());
  const directory = new FakeDirectory(options.directory ?? null);
  const resolver = new MailboxResolver(repository, directory, config, cache);
  return { config, repository, cache, resolver };
}

/** An LDAP server row for domains that consult the directory. */
export const EXAMPLE_LDAP: LdapServer = {
  id: 1,
  name: 'ldap.example.com',
  port: 636,
  useSsl: true,
  searchBase: 'dc=example,dc=com',
  searchFilter: '(mail={0})',
  attrUid: 'uid',
  attrCn: 'cn',
  bindPassword: null,
  bindUser: null,
};

export interface ExampleSettingsOptions {
  readonly domainName?: string;
  readonly ldapServer?: LdapServer | null;
  /** Host name of the SMTP server (placeholders allowed). */
  readonly smtpName?: string;
  readonly davServers?: readonly DavServer[];
}

/**
 * A domain's settings: IMAP (SSL, user name %EMAILADDRESS%) and SMTP (STARTTLS, user
 * name %EMAILLOCALPART%), no DAV servers and no directory unless given.
 */
export function exampleSettings(options: ExampleSettingsOptions = {}): DomainSettings {
  const domainName = options.domainName ?? 'example.com';
  return {
    domainId: 1,
    domainName,
    provider: { id: 1, name: 'Example', shortName: 'Ex' },
    providerDomains: [domainName],
    servers: [
      {
        id: 1,
        prio: 10,
        name: 'imap.example.com',
        port: 993,
        type: 'imap',
        socketType: 'SSL',
        userName: '%EMAILADDRESS%',
        authentication: 'plain',
      },
      {
        id: 2,
        prio: 10,
        name: options.smtpName ?? 'smtp.example.com',
        port: 587,
        type: 'smtp',
        socketType: 'STARTTLS',
        userName: '%EMAILLOCALPART%',
        authentication: 'plain',
      },
    ],
    davServers: [...(options.davServers ?? [])],
    ldapServer: options.ldapServer ?? null,
  };
}
