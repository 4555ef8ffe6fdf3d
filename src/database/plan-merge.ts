import type { DeepPartial, EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import type { PlannedLdapServer, PlannedProvider, SeedPlan } from '../initdb/seed-plan';
import { domainLookupNames } from '../mail-settings/domain-names';
import { DavServerEntity } from './entities/davserver.entity';
import { DomainEntity } from './entities/domain.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { toInteger, type Row } from './row-values';

/** What `import --merge` changed. */
export interface MergeReport {
  /** Domains that did not exist (names as in the plan). */
  readonly added: readonly string[];
  /** Domains that existed and were replaced (names as in the plan). */
  readonly replaced: readonly string[];
  /** Other stored spellings of a replaced domain (e.g. its punycode form), deleted. */
  readonly mergedAway: readonly string[];
  /** Rows left without any domain by this merge, deleted. */
  readonly removed: {
    readonly servers: number;
    readonly davServers: number;
    readonly ldapServers: number;
    readonly providers: number;
  };
}

interface Link {
  readonly ownerId: number;
  readonly domainId: number;
}

const byId = { order: { id: 'ASC' as const } };

/**
 * Adds or replaces the plan's domains, one by one, inside the caller's transaction.
 * A domain matches a stored one case-insensitively and IDN-normalised (as lookups do);
 * a replaced domain keeps its row (and id) but takes the plan's spelling, provider,
 * LDAP server and server links. Providers are found by name, servers, DAV servers and
 * LDAP servers by equality of every column, so shared rows stay shared; rows created
 * are appended in plan order. Rows that only the replaced domains used are deleted.
 * Plan rows not reachable from a plan domain are ignored.
 */
export async function mergePlan(manager: EntityManager, plan: SeedPlan): Promise<MergeReport> {
  refuseSameDomainTwice(plan);
  const state = {
    providers: await manager.find(ProviderEntity, byId),
    ldapServers: await manager.find(LdapServerEntity, byId),
    domains: await manager.find(DomainEntity, byId),
    servers: await manager.find(ServerEntity, byId),
    davServers: await manager.find(DavServerEntity, byId),
    serverLinks: await links(manager, 'server_domain', 'server_id'),
    davLinks: await links(manager, 'davserver_domain', 'davserver_id'),
  };
  const touched = {
    servers: new Set<number>(),
    davServers: new Set<number>(),
    ldapServers: new Set<number>(),
    providers: new Set<number>(),
  };
  const added: string[] = [];
  const replaced: string[] = [];
  const mergedAway: string[] = [];
  const domainIds = new Map<string, number>();

  for (const planned of plan.domains) {
    const provider = await findOrCreateProvider(
      manager,
      state.providers,
      required(plan.providers, planned.providerRef),
    );
    const ldapserverId = planned.ldapServerRef
      ? (
          await findOrCreate(
            manager,
            state.ldapServers,
            LdapServerEntity,
            withoutRef(required(plan.ldapServers, planned.ldapServerRef)),
          )
        ).id
      : null;
    const names = domainLookupNames(planned.name);
    const matches = state.domains.filter((domain) => names.includes(domain.name.toLowerCase()));
    for (const match of matches) {
      touched.providers.add(match.providerId);
      if (match.ldapserverId !== null) touched.ldapServers.add(match.ldapserverId);
      state.serverLinks = await unlink(
        manager,
        'server_domain',
        state.serverLinks,
        match.id,
        (id) => touched.servers.add(id),
      );
      state.davLinks = await unlink(manager, 'davserver_domain', state.davLinks, match.id, (id) =>
        touched.davServers.add(id),
      );
    }
    const [kept, ...others] = matches;
    for (const other of others) {
      await manager.delete(DomainEntity, other.id);
      state.domains = state.domains.filter((domain) => domain.id !== other.id);
      mergedAway.push(other.name);
    }
    if (kept) {
      await manager.update(DomainEntity, kept.id, {
        name: planned.name,
        providerId: provider.id,
        ldapserverId,
      });
      Object.assign(kept, { name: planned.name, providerId: provider.id, ldapserverId });
      domainIds.set(planned.ref, kept.id);
      replaced.push(planned.name);
    } else {
      const saved = await manager.save(
        manager.create(DomainEntity, { name: planned.name, providerId: provider.id, ldapserverId }),
      );
      state.domains.push(saved);
      domainIds.set(planned.ref, saved.id);
      added.push(planned.name);
    }
  }

  const targetsOf = (refs: readonly string[]) =>
    refs.flatMap((ref) => {
      const id = domainIds.get(ref);
      return id === undefined ? [] : [id];
    });
  for (const { domainRefs, ...columns } of plan.servers) {
    const targets = targetsOf(domainRefs);
    if (targets.length === 0) continue;
    const server = await findOrCreate(manager, state.servers, ServerEntity, columns);
    state.serverLinks = await link(manager, ServerEntity, state.serverLinks, server.id, targets);
  }
  for (const { domainRefs, ...columns } of plan.davServers) {
    const targets = targetsOf(domainRefs);
    if (targets.length === 0) continue;
    const server = await findOrCreate(manager, state.davServers, DavServerEntity, columns);
    state.davLinks = await link(manager, DavServerEntity, state.davLinks, server.id, targets);
  }

  const unused = (ids: Set<number>, used: (id: number) => boolean) =>
    [...ids].filter((id) => !used(id));
  const orphans = {
    servers: unused(touched.servers, (id) => state.serverLinks.some((l) => l.ownerId === id)),
    davServers: unused(touched.davServers, (id) => state.davLinks.some((l) => l.ownerId === id)),
    ldapServers: unused(touched.ldapServers, (id) =>
      state.domains.some((domain) => domain.ldapserverId === id),
    ),
    providers: unused(touched.providers, (id) =>
      state.domains.some((domain) => domain.providerId === id),
    ),
  };
  if (orphans.servers.length) await manager.delete(ServerEntity, orphans.servers);
  if (orphans.davServers.length) await manager.delete(DavServerEntity, orphans.davServers);
  if (orphans.ldapServers.length) await manager.delete(LdapServerEntity, orphans.ldapServers);
  if (orphans.providers.length) await manager.delete(ProviderEntity, orphans.providers);
  return {
    added,
    replaced,
    mergedAway,
    removed: {
      servers: orphans.servers.length,
      davServers: orphans.davServers.length,
      ldapServers: orphans.ldapServers.length,
      providers: orphans.providers.length,
    },
  };
}

/** Two plan domains that lookups cannot tell apart would replace each other. */
function refuseSameDomainTwice(plan: SeedPlan): void {
  const seen = new Map<string, string>();
  for (const domain of plan.domains) {
    for (const name of domainLookupNames(domain.name)) {
      const earlier = seen.get(name);
      if (earlier !== undefined && earlier !== domain.ref) {
        throw new DomainError(
          'INVALID_SEED',
          `domains: "${domain.name}" is the same domain as an earlier one (names compare case-insensitively and IDN-normalised)`,
        );
      }
      seen.set(name, domain.ref);
    }
  }
}

async function findOrCreateProvider(
  manager: EntityManager,
  providers: ProviderEntity[],
  planned: PlannedProvider,
): Promise<ProviderEntity> {
  const found = providers.find((provider) => provider.name === planned.name);
  if (found) {
    if (found.shortName !== planned.shortName) {
      await manager.update(ProviderEntity, found.id, { shortName: planned.shortName });
      found.shortName = planned.shortName;
    }
    return found;
  }
  const saved = await manager.save(
    manager.create(ProviderEntity, { name: planned.name, shortName: planned.shortName }),
  );
  providers.push(saved);
  return saved;
}

/** The first stored row whose columns all equal `columns`, else a new one. */
async function findOrCreate<E extends { id: number }>(
  manager: EntityManager,
  rows: E[],
  entity: new () => E,
  columns: Partial<E>,
): Promise<E> {
  const entries = Object.entries(columns) as [keyof E, unknown][];
  const found = rows.find((row) => entries.every(([key, value]) => row[key] === value));
  if (found) return found;
  const saved = await manager.save(entity, manager.create(entity, columns as DeepPartial<E>));
  rows.push(saved);
  return saved;
}

async function links(manager: EntityManager, table: string, ownerColumn: string): Promise<Link[]> {
  const rows = await manager
    .createQueryBuilder()
    .select(`l.${ownerColumn}`, 'owner_id')
    .addSelect('l.domain_id', 'domain_id')
    .from(table, 'l')
    .getRawMany<Row>();
  return rows.map((row) => ({
    ownerId: toInteger(row.owner_id),
    domainId: toInteger(row.domain_id),
  }));
}

/** Deletes every link of a domain; reports the servers that were linked. */
async function unlink(
  manager: EntityManager,
  table: string,
  current: Link[],
  domainId: number,
  wasLinked: (ownerId: number) => void,
): Promise<Link[]> {
  const mine = current.filter((entry) => entry.domainId === domainId);
  if (mine.length === 0) return current;
  mine.forEach((entry) => wasLinked(entry.ownerId));
  await manager
    .createQueryBuilder()
    .delete()
    .from(table)
    .where('domain_id = :domainId', { domainId })
    .execute();
  return current.filter((entry) => entry.domainId !== domainId);
}

async function link(
  manager: EntityManager,
  entity: typeof ServerEntity | typeof DavServerEntity,
  current: Link[],
  ownerId: number,
  domainIds: readonly number[],
): Promise<Link[]> {
  const fresh = domainIds.filter(
    (domainId) =>
      !current.some((entry) => entry.ownerId === ownerId && entry.domainId === domainId),
  );
  if (fresh.length === 0) return current;
  await manager.createQueryBuilder().relation(entity, 'domains').of(ownerId).add(fresh);
  return [...current, ...fresh.map((domainId) => ({ ownerId, domainId }))];
}

function required<T extends { readonly ref: string }>(rows: readonly T[], ref: string): T {
  const row = rows.find((candidate) => candidate.ref === ref);
  if (!row) throw new Error(`seed plan refers to unknown ${ref}`);
  return row;
}

function withoutRef(server: PlannedLdapServer): Omit<PlannedLdapServer, 'ref'> {
  const { name, port, useSsl, searchBase, searchFilter, attrUid, attrCn, bindUser, bindPassword } =
    server;
  return { name, port, useSsl, searchBase, searchFilter, attrUid, attrCn, bindUser, bindPassword };
}
