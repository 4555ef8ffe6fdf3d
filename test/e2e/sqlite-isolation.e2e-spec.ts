import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseDbUri } from '../../src/config/db-uri';
import { DataChanges } from '../../src/database/data-changes';
import { QUERY_TIMEOUT_MS, dataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseConnection } from '../../src/database/database-connection.service';
import { DomainSettingsRepository } from '../../src/database/domain-settings.repository';
import { runMigrationsExclusively } from '../../src/database/schema-migrations';
import { SeedRepository } from '../../src/database/seed.repository';
import { sqliteWriteTransaction } from '../../src/database/sqlite-writes';
import { planFromDocument } from '../../src/provisioning/seed-document';
import { firstPassOnly } from '../support/adapter-pass';
import { SEED_EXAMPLE_JSON } from '../support/fixtures';

/**
 * SQLite inside one process (issue 14, M1 and L2). TypeORM's better-sqlite3 driver has
 * one connection per DataSource, shared by every query, a writer's open transaction
 * included; and processes sharing a file wait for each other's write lock.
 * - A lookup during another writer's transaction reads the committed state, never the
 *   writer's uncommitted rows (file: its own read-only connection; memory: it waits).
 * - A writer waits for another process's write lock up to the statement timeout
 *   without blocking its event loop, then gives up with SQLITE_BUSY.
 */

const NAMES = ['example.org'];

interface Opened {
  readonly dataSource: DataSource;
  readonly domains: DomainSettingsRepository;
  readonly seeds: SeedRepository;
}

async function open(dbUri: string): Promise<Opened> {
  const dataSource = new DataSource(dataSourceOptions(parseDbUri(dbUri), false));
  await dataSource.initialize();
  const connection = new DatabaseConnection(dataSource);
  return {
    dataSource,
    domains: new DomainSettingsRepository(connection),
    seeds: new SeedRepository(connection, new DataChanges()),
  };
}

async function close(opened: Opened | undefined): Promise<void> {
  opened?.domains.onApplicationShutdown();
  if (opened?.dataSource.isInitialized) await opened.dataSource.destroy();
}

/** Deletes the domain's server links in a transaction that stays open until `release`. */
function openPurge(dataSource: DataSource): {
  inside: Promise<void>;
  release: () => void;
  done: Promise<void>;
} {
  let entered!: () => void;
  let release!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = sqliteWriteTransaction(dataSource, async (runner) => {
    await runner.query('DELETE FROM server_domain');
    entered();
    await released;
  });
  return { inside, release, done };
}

const serverCount = async (domains: DomainSettingsRepository) =>
  (await domains.findDomainWithServers(NAMES))?.servers.length ?? -1;

firstPassOnly(describe)('SQLite lookups and writers in one process', () => {
  let dir: string;
  const opened: Opened[] = [];
  const openHere = async (dbUri: string) => {
    const result = await open(dbUri);
    opened.push(result);
    await runMigrationsExclusively(result.dataSource);
    return result;
  };

  // The last test's give-up is logged as a database outage, as it should be: not here.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-sqlite-'));
  });

  afterEach(async () => {
    for (const each of opened.splice(0)) await close(each);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file: a lookup during a writer transaction reads the committed state at once', async () => {
    const { dataSource, domains, seeds } = await openHere(`sqlite:///${join(dir, 'a.sqlite')}`);
    await seeds.loadIfEmpty(() => planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)));
    const servers = await serverCount(domains);
    expect(servers).toBeGreaterThan(0);
    const purge = openPurge(dataSource);
    await purge.inside;
    // The shared connection sees the writer's uncommitted delete; the lookup does not.
    expect(await serverCount(domains)).toBe(servers);
    purge.release();
    await purge.done;
    expect(await serverCount(domains)).toBe(0);
  });

  it('in memory: a lookup during a writer transaction waits for the commit', async () => {
    const { dataSource, domains, seeds } = await openHere('sqlite:///:memory:');
    await seeds.loadIfEmpty(() => planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)));
    expect(await serverCount(domains)).toBeGreaterThan(0);
    const purge = openPurge(dataSource);
    await purge.inside;
    let answered = false;
    const lookup = serverCount(domains).finally(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    purge.release();
    await purge.done;
    expect(await lookup).toBe(0);
  });

  it("waits for another connection's write lock without blocking the event loop", async () => {
    const file = `sqlite:///${join(dir, 'b.sqlite')}`;
    const first = await openHere(file);
    const second = await open(file);
    opened.push(second);
    const holder = openPurge(first.dataSource);
    await holder.inside;
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    try {
      const started = performance.now();
      const waiting = second.seeds.loadIfEmpty(() =>
        planFromDocument(JSON.parse(SEED_EXAMPLE_JSON)),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      holder.release();
      await holder.done;
      expect(await waiting).toBe('loaded');
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(ticker);
    }
  });

  it('gives up with SQLITE_BUSY once the statement timeout has passed', async () => {
    const file = `sqlite:///${join(dir, 'c.sqlite')}`;
    const first = await openHere(file);
    const second = await open(file);
    opened.push(second);
    const holder = openPurge(first.dataSource);
    await holder.inside;
    try {
      const started = performance.now();
      await expect(second.seeds.purge()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 50);
    } finally {
      holder.release();
      await holder.done;
    }
  }, 20_000);
});
