import type { ConfigService } from '@nestjs/config';
import type { AppConfig, SettingsCacheConfig } from '../config/app-config';
import { AppConfigService } from '../config/app-config.service';
import { DataChanges } from '../database/data-changes';
import type { DomainSettings } from './domain-settings';
import { DomainSettingsCache } from './domain-settings.cache';

const settings = (name: string): DomainSettings => ({
  domainId: 1,
  domainName: name,
  provider: { id: 1, name: 'P', shortName: 'P' },
  providerDomains: [name],
  servers: [],
  davServers: [],
  ldapServer: null,
});

function cacheWith(config: Partial<SettingsCacheConfig> = {}) {
  const values = {
    settingsCache: { ttlMs: 60_000, maxEntries: 100, maxBytes: 1024 * 1024, ...config },
  } as AppConfig;
  const changes = new DataChanges();
  const cache = new DomainSettingsCache(
    new AppConfigService({ get: () => values } as unknown as ConfigService),
    changes,
  );
  return { cache, changes };
}

/** A loader that counts its calls and answers from a mutable "database". */
function loader(database: Map<string, DomainSettings>) {
  const calls: string[] = [];
  return {
    calls,
    load: (key: string) => () => {
      calls.push(key);
      return Promise.resolve(database.get(key) ?? null);
    },
  };
}

describe(DomainSettingsCache.name, () => {
  describe('get', () => {
    it('loads once and then answers from memory, also for unknown domains', async () => {
      const { cache } = cacheWith();
      const db = new Map([['a.example', settings('a.example')]]);
      const { calls, load } = loader(db);
      const first = await cache.get('a.example', load('a.example'));
      const second = await cache.get('a.example', load('a.example'));
      expect(second).toBe(first);
      expect(await cache.get('nope', load('nope'))).toBeNull();
      expect(await cache.get('nope', load('nope'))).toBeNull();
      expect(calls).toEqual(['a.example', 'nope']);
    });

    it('shares one load between concurrent misses', async () => {
      const { cache } = cacheWith();
      const { calls, load } = loader(new Map([['a', settings('a')]]));
      const results = await Promise.all([1, 2, 3].map(() => cache.get('a', load('a'))));
      expect(calls).toEqual(['a']);
      expect(new Set(results).size).toBe(1);
    });

    it('forgets everything when data changes, including loads that were running', async () => {
      const { cache, changes } = cacheWith();
      const db = new Map([['a', settings('a')]]);
      const { calls, load } = loader(db);
      await cache.get('a', load('a'));
      db.delete('a');
      changes.changed();
      expect(await cache.get('a', load('a'))).toBeNull();
      // A load that started before a change is answered but not kept.
      db.set('a', settings('a'));
      changes.changed();
      const running = cache.get('a', load('a'));
      changes.changed();
      db.delete('a');
      expect(await running).not.toBeNull();
      expect(await cache.get('a', load('a'))).toBeNull();
      expect(calls).toHaveLength(4);
    });

    it('expires entries after the TTL', async () => {
      const { cache } = cacheWith({ ttlMs: 50 });
      const { calls, load } = loader(new Map([['a', settings('a')]]));
      await cache.get('a', load('a'));
      await cache.get('a', load('a'));
      await new Promise((resolve) => setTimeout(resolve, 120));
      await cache.get('a', load('a'));
      expect(calls).toEqual(['a', 'a']);
    });

    it('evicts the least recently used entry beyond the count bound', async () => {
      const { cache } = cacheWith({ maxEntries: 2 });
      const db = new Map(['a', 'b', 'c'].map((k) => [k, settings(k)] as const));
      const { calls, load } = loader(db);
      await cache.get('a', load('a'));
      await cache.get('b', load('b'));
      await cache.get('a', load('a'));
      await cache.get('c', load('c'));
      await cache.get('a', load('a'));
      await cache.get('b', load('b'));
      expect(calls).toEqual(['a', 'b', 'c', 'b']);
    });

    it('keeps no more than the byte bound', async () => {
      const { cache } = cacheWith({ maxBytes: 400 });
      const db = new Map(['a', 'b', 'c'].map((k) => [k, settings(k)] as const));
      const { calls, load } = loader(db);
      for (const key of ['a', 'b', 'c', 'a', 'b', 'c']) await cache.get(key, load(key));
      expect(calls.length).toBeGreaterThan(3);
    });

    it('is a pass-through when cache_ttl is 0', async () => {
      const { cache } = cacheWith({ ttlMs: 0 });
      const { calls, load } = loader(new Map([['a', settings('a')]]));
      await cache.get('a', load('a'));
      await cache.get('a', load('a'));
      expect(calls).toEqual(['a', 'a']);
      expect(cache.enabled).toBe(false);
    });
  });
});
