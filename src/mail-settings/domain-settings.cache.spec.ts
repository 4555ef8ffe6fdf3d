import type { ConfigService } from '@nestjs/config';
import { FakeDirectory } from '../../test/support/fake-mailbox';
import { MiB, retainedBytes } from '../../test/support/retained-heap';
import { readAutodiscoverRequest } from '../autodiscover/autodiscover-request.reader';
import { DomainError } from '../common/domain-error';
import type { AppConfig, SettingsCacheConfig } from '../config/app-config';
import { AppConfigService } from '../config/app-config.service';
import { DataChanges } from '../database/data-changes';
import { DomainSettingsRepository } from '../database/domain-settings.repository';
import { parseEmailAddress } from './address-parser';
import type { DomainSettings } from './domain-settings';
import { DomainSettingsCache, NOT_FOUND_MAX_ENTRIES } from './domain-settings.cache';
import { MailboxResolver } from './mailbox-resolver.service';

const settings = (name: string): DomainSettings => ({
  domainId: 1,
  domainName: name,
  provider: { id: 1, name: 'P', shortName: 'P' },
  providerDomains: [name],
  servers: [],
  davServers: [],
  ldapServer: null,
});

const caches: DomainSettingsCache[] = [];
afterEach(() => caches.splice(0).forEach((cache) => cache.onModuleDestroy()));

function cacheWith(config: Partial<SettingsCacheConfig> = {}) {
  const values = {
    directory: { noMatch: '204' },
    settingsCache: { ttlMs: 60_000, maxEntries: 100, maxBytes: 1024 * 1024, ...config },
  } as AppConfig;
  const changes = new DataChanges();
  const appConfig = new AppConfigService({ get: () => values } as unknown as ConfigService);
  const cache = new DomainSettingsCache(appConfig, changes);
  caches.push(cache);
  return { cache, changes, config: appConfig };
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

    it('counts what an entry really holds against cache_max_bytes, not just its key', async () => {
      // Each entry holds a 10,000-character name: 20 KB as settings, and the documents
      // rendered from them besides; only a few fit into 300,000 bytes.
      const { cache } = cacheWith({ maxBytes: 300_000 });
      const keys = ['a', 'b', 'c', 'd', 'e'];
      const db = new Map(keys.map((k) => [k, settings(k.repeat(10_000))] as const));
      const { calls, load } = loader(db);
      for (const key of [...keys, ...keys]) await cache.get(key, load(key));
      expect(cache.size.found).toBeLessThanOrEqual(2);
      expect(calls.length).toBeGreaterThan(keys.length);
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

  describe('unknown domains', () => {
    it(`keeps at most ${NOT_FOUND_MAX_ENTRIES}, apart: they never push known domains out`, async () => {
      const { cache } = cacheWith({ maxEntries: 10_000 });
      const { calls, load } = loader(new Map([['known', settings('known')]]));
      await cache.get('known', load('known'));
      for (let i = 0; i < NOT_FOUND_MAX_ENTRIES + 500; i++) {
        await cache.get(`unknown${i}`, load(`unknown${i}`));
      }
      expect(cache.size).toEqual({ found: 1, notFound: NOT_FOUND_MAX_ENTRIES });
      calls.length = 0;
      await cache.get('known', load('known'));
      await cache.get(`unknown${NOT_FOUND_MAX_ENTRIES + 499}`, load('last'));
      await cache.get('unknown0', load('unknown0'));
      expect(calls).toEqual(['unknown0']);
    });

    it('never keeps more unknown domains than cache_max_entries', async () => {
      const { cache } = cacheWith({ maxEntries: 3 });
      const { load } = loader(new Map());
      for (let i = 0; i < 10; i++) await cache.get(`unknown${i}`, load(`unknown${i}`));
      expect(cache.size.notFound).toBe(3);
    });
  });

  describe('expiry', () => {
    it('drops expired entries without being asked', async () => {
      const { cache } = cacheWith({ ttlMs: 50 });
      const { load } = loader(new Map([['a', settings('a')]]));
      await cache.get('a', load('a'));
      await cache.get('nope', load('nope'));
      expect(cache.size).toEqual({ found: 1, notFound: 1 });
      const deadline = Date.now() + 2_000;
      while (cache.size.found + cache.size.notFound > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(cache.size).toEqual({ found: 0, notFound: 0 });
    });
  });

  describe('request bodies', () => {
    /** An Autodiscover request of about 60 KB (the body limit is 64 KiB) for `address`. */
    const body = (address: string): Buffer =>
      Buffer.from(
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
          `<Request><EMailAddress>${address}</EMailAddress></Request><!-- ${'x'.repeat(60_000)} --></Autodiscover>`,
      );

    /**
     * Known: any name under known.test. A name is tested with endsWith, not looked up as
     * a property: V8 copies a string it uses as a property key (internalises it), which
     * would hide the defect this test is about.
     */
    class SuffixRepository extends DomainSettingsRepository {
      constructor(private readonly known: DomainSettings) {
        super(undefined as never);
      }

      override findDomainWithServers(names: readonly string[]): Promise<DomainSettings | null> {
        return Promise.resolve(names.some((n) => n.endsWith('.known.test')) ? this.known : null);
      }
    }

    it('keeps none alive through the keys of known or unknown domains', async () => {
      const { cache, config } = cacheWith({ maxEntries: 10_000, maxBytes: 32 * MiB });
      const repository = new SuffixRepository(settings('known.test'));
      const resolver = new MailboxResolver(repository, new FakeDirectory(null), config, cache);
      // 2 × 150 requests of 60 KB: 18 MB if the keys kept their bodies.
      const retained = await retainedBytes(async () => {
        for (let i = 0; i < 150; i++) {
          for (const suffix of ['known.test', 'unknown.test']) {
            const request = readAutodiscoverRequest(body(`user@d${i}.${suffix}`));
            const address = parseEmailAddress(request.emailAddress ?? '');
            await resolver.domainSettings(address.domain).catch((error: unknown) => {
              if (!(error instanceof DomainError)) throw error;
            });
          }
        }
        return cache;
      });
      expect(cache.size).toEqual({ found: 150, notFound: 150 });
      expect(retained).toBeLessThan(6 * MiB);
    });
  });
});
