import type { ConfigService } from '@nestjs/config';
import type { AppConfig, DirectoryConfig } from '../../src/config/app-config';
import { AppConfigService } from '../../src/config/app-config.service';
import { DataChanges } from '../../src/database/data-changes';
import { DomainSettingsRepository } from '../../src/database/domain-settings.repository';
import { DirectoryPort } from '../../src/directory/directory.port';
import type { DomainSettings } from '../../src/mail-settings/domain-settings';
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
