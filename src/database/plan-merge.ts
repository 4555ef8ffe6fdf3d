import type { DeepPartial, EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import type {
  PlannedDomain,
  PlannedLdapServer,
  PlannedProvider,
  SeedPlan,
} from '../provisioning/plan';
import { domainLookupNames } from '../mail-settings/domain-names';
import { DavServerEntity } from './entities/davserver.entity';
import { DomainEntity } from './entities/domain.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { inLists } from './in-lists';
import { domainsNamed, linksOfDomains, rowsWhereIn, type LinkTable } from './merge-reads';
import { RowsByKey } from './rows-by-key';
import { deleteUnusedRows, noRowsTouched, type RemovedRows, type TouchedRows } from './unused-rows';

/** What `import --merge` changed. */
export interface MergeReport {
  /** Domains that did not exist (names as in the plan). */
  readonly added: readonly string[];
  /** Domains that existed and were replaced (names as in the plan). */
  readonly replaced: readonly string[];
  /** Other stored spellings of a replaced domain (e.g. its punycode form), deleted. */
  readonly mergedAway: readonly string[];
  /** Rows left without any domain by this merge, deleted. */
  readonly removed: RemovedRows;
}

/** The links of some domains, per link table: domain id → server (or DAV server) ids. */
type DomainLinks = Readonly<Record<LinkTable, Map<number, number[]>>>;

/** The stored rows a plan can touch (and, appended, the rows the merge creates). */
interface MergeState {
  readonly providers: RowsByKey<ProviderEntity>;
  readonly ldapServers: RowsByKey<LdapServerEntity>;
  readonly servers: RowsByKey<ServerEntity>;
  readonly davServers: RowsByKey<DavServerEntity>;
  /** Stored domains by lower-cased name, each list in id order. */
  readonly domains: ReadonlyMap<string, readonly DomainEntity[]>;
  readonly links: DomainLinks;
}

/**
 * Adds or replaces the plan's domains, one by one, inside the caller's transaction.
 * A domain matches a stored one case-insensitively and IDN-normalised (as lookups do);
 * a replaced domain keeps its row (and id) but takes the plan's spelling, provider,
 * LDAP server and server links. Providers are found by name, servers, DAV servers and
 * LDAP servers by equality of every column, so shared rows stay shared; rows created
 * are appended in plan order. Rows that only the replaced domains used are deleted.
 * Plan rows not reachable from a plan domain are ignored.
 *
 * Only the rows the plan can touch are read (merge-reads.ts): the domains by their
 * names, their links, candidates for reuse by name or URL; whether a row is still used
 * is asked of the database after the writes. A one-domain merge costs the same with a
 * hundred domains stored or a million.
 */
export async function mergePlan(manager: EntityManager, plan: SeedPlan): Promise<MergeReport> {
  refuseSameDomainTwice(plan);
  const refs = planRefs(plan);
  const state = await readTouchable(manager, plan, refs);
  const touched = noRowsTouched();
  const added: string[] = [];
  const replaced: string[] = [];
  const mergedAway: string[] = [];
  const domainIds = new Map<string, number>();

  for (const planned of plan.domains) {
    const provider = await findOrCreateProvider(
      manager,
      state.providers,
      required(refs.providers, planned.providerRef),
    );
    const ldapserverId = planned.ldapServerRef
      ? (
          await findOrCreate(
            manager,
            state.ldapServers,
            LdapServerEntity,
            'name',
            withoutRef(required(refs.ldapServers, planned.ldapServerRef)),
          )
        ).id
      : null;
    const matches = storedSpellings(state.domains, planned.name);
    for (const match of matches) await detachDomain(manager, match, state.links, touched);
    const [kept, ...others] = matches;
    for (const other of others) {
      await manager.delete(DomainEntity, other.id);
      mergedAway.push(other.name);
    }
    if (kept) {
      await manager.update(DomainEntity, kept.id, {
        name: planned.name,
        providerId: provider.id,
        ldapserverId,
      });
      domainIds.set(planned.ref, kept.id);
      replaced.push(planned.name);
    } else {
      const saved = await manager.save(
        manager.create(DomainEntity, { name: planned.name, providerId: provider.id, ldapserverId }),
      );
      domainIds.set(planned.ref, saved.id);
      added.push(planned.name);
    }
  }

  // Every link of a plan domain was deleted above: the only links that exist for them
  // are the ones made below.
  const made = { servers: new Set<string>(), davServers: new Set<string>() };
  const targetsOf = (refs: readonly string[]) =>
    refs.flatMap((ref) => {
      const id = domainIds.get(ref);
      return id === undefined ? [] : [id];
    });
  for (const { domainRefs, ...columns } of plan.servers) {
    const targets = targetsOf(domainRefs);
    if (targets.length === 0) continue;
    const server = await findOrCreate(manager, state.servers, ServerEntity, 'name', columns);
    await link(manager, ServerEntity, made.servers, server.id, targets);
  }
  for (const { domainRefs, ...columns } of plan.davServers) {
    const targets = targetsOf(domainRefs);
    if (targets.length === 0) continue;
    const server = await findOrCreate(manager, state.davServers, DavServerEntity, 'url', columns);
    await link(manager, DavServerEntity, made.davServers, server.id, targets);
  }

  return { added, replaced, mergedAway, removed: await deleteUnusedRows(manager, touched) };
}

/**
 * Deletes one domain (by id) with its links, then the servers, DAV servers, LDAP server
 * and provider that no domain uses any more, inside the caller's transaction (the same
 * clean-up as a merge's). A domain that does not exist deletes nothing.
 */
export async function deleteDomainRows(
  manager: EntityManager,
  domainId: number,
): Promise<MergeReport['removed']> {
  const touched = noRowsTouched();
  const domain = await manager.findOneBy(DomainEntity, { id: domainId });
  if (domain) {
    await detachDomain(manager, domain, await readLinks(manager, [domainId]), touched);
    await manager.delete(DomainEntity, domainId);
  }
  return deleteUnusedRows(manager, touched);
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

/** The plan's providers and LDAP servers by ref (the first of a ref, as a search would find). */
interface PlanRefs {
  readonly providers: ReadonlyMap<string, PlannedProvider>;
  readonly ldapServers: ReadonlyMap<string, PlannedLdapServer>;
}

function planRefs(plan: SeedPlan): PlanRefs {
  const byRef = <T extends { readonly ref: string }>(rows: readonly T[]) => {
    const map = new Map<string, T>();
    for (const row of rows) if (!map.has(row.ref)) map.set(row.ref, row);
    return map;
  };
  return { providers: byRef(plan.providers), ldapServers: byRef(plan.ldapServers) };
}

/**
 * Reads what the plan can touch: the domains by any of their spellings, their links,
 * and the providers, LDAP servers, servers and DAV servers the plan's domains would use
 * (candidates by name or URL; the merge compares every column).
 */
async function readTouchable(
  manager: EntityManager,
  plan: SeedPlan,
  refs: PlanRefs,
): Promise<MergeState> {
  const domainRefs = new Set(plan.domains.map((domain) => domain.ref));
  const reachable = <T extends { readonly domainRefs: readonly string[] }>(rows: readonly T[]) =>
    rows.filter((row) => row.domainRefs.some((ref) => domainRefs.has(ref)));
  const providerNames = plan.domains.map(
    (domain) => required(refs.providers, domain.providerRef).name,
  );
  const ldapNames = plan.domains.flatMap((domain) =>
    domain.ldapServerRef ? [required(refs.ldapServers, domain.ldapServerRef).name] : [],
  );

  const domains = new Map<string, DomainEntity[]>();
  for (const domain of await domainsNamed(manager, plan.domains.flatMap(candidateNames))) {
    const key = domain.name.toLowerCase();
    domains.set(key, [...(domains.get(key) ?? []), domain]);
  }
  const matched = plan.domains.flatMap((domain) =>
    storedSpellings(domains, domain.name).map((match) => match.id),
  );
  return {
    providers: new RowsByKey(
      (row) => row.name,
      await rowsWhereIn(manager, ProviderEntity, 'name', providerNames),
    ),
    ldapServers: new RowsByKey(
      (row) => row.name,
      await rowsWhereIn(manager, LdapServerEntity, 'name', ldapNames),
    ),
    servers: new RowsByKey(
      (row) => row.name,
      await rowsWhereIn(
        manager,
        ServerEntity,
        'name',
        reachable(plan.servers).map((row) => row.name),
      ),
    ),
    davServers: new RowsByKey(
      (row) => row.url,
      await rowsWhereIn(
        manager,
        DavServerEntity,
        'url',
        reachable(plan.davServers).map((row) => row.url),
      ),
    ),
    domains,
    links: await readLinks(manager, matched),
  };
}

/**
 * The names to ask the database for: the lookup spellings and, for PostgreSQL and SQLite
 * whose lower() may lower ASCII letters only, the name with just its ASCII letters
 * lowered, so that a row stored exactly as the plan spells it is always found.
 */
function candidateNames(domain: PlannedDomain): string[] {
  return [
    ...domainLookupNames(domain.name),
    domain.name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()),
  ];
}

/** The stored rows of one domain (any case, IDN either form), in id order. */
function storedSpellings(
  domains: ReadonlyMap<string, readonly DomainEntity[]>,
  name: string,
): DomainEntity[] {
  return domainLookupNames(name)
    .flatMap((spelling) => domains.get(spelling) ?? [])
    .sort((a, b) => a.id - b.id);
}

async function readLinks(
  manager: EntityManager,
  domainIds: readonly number[],
): Promise<DomainLinks> {
  return {
    server_domain: await linksOfDomains(manager, 'server_domain', domainIds),
    davserver_domain: await linksOfDomains(manager, 'davserver_domain', domainIds),
  };
}

/**
 * Deletes every link of a domain and notes what the domain used (its provider, LDAP
 * server, servers and DAV servers) as touched.
 */
async function detachDomain(
  manager: EntityManager,
  domain: DomainEntity,
  links: DomainLinks,
  touched: TouchedRows,
): Promise<void> {
  touched.providers.add(domain.providerId);
  if (domain.ldapserverId !== null) touched.ldapServers.add(domain.ldapserverId);
  const owners = { server_domain: touched.servers, davserver_domain: touched.davServers };
  for (const table of ['server_domain', 'davserver_domain'] as const) {
    const linked = links[table].get(domain.id) ?? [];
    if (linked.length === 0) continue;
    linked.forEach((id) => owners[table].add(id));
    await manager
      .createQueryBuilder()
      .delete()
      .from(table)
      .where('domain_id = :domainId', { domainId: domain.id })
      .execute();
    links[table].delete(domain.id);
  }
}

async function findOrCreateProvider(
  manager: EntityManager,
  providers: RowsByKey<ProviderEntity>,
  planned: PlannedProvider,
): Promise<ProviderEntity> {
  const found = providers.find(planned.name);
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
  providers.add(saved);
  return saved;
}

/** The first stored row whose columns all equal `columns`, else a new one. */
async function findOrCreate<E extends { id: number }, K extends keyof E & string>(
  manager: EntityManager,
  rows: RowsByKey<E>,
  entity: new () => E,
  key: K,
  columns: Partial<E> & Pick<E, K>,
): Promise<E> {
  const entries = Object.entries(columns) as [keyof E, unknown][];
  const found = rows.find(String(columns[key]), (row) =>
    entries.every(([column, value]) => row[column] === value),
  );
  if (found) return found;
  const saved = await manager.save(entity, manager.create(entity, columns as DeepPartial<E>));
  rows.add(saved);
  return saved;
}

/** Links a server to the domains it is not linked to yet (`made`: its table's links so far). */
async function link(
  manager: EntityManager,
  entity: typeof ServerEntity | typeof DavServerEntity,
  made: Set<string>,
  ownerId: number,
  domainIds: readonly number[],
): Promise<void> {
  const fresh = domainIds.filter((domainId) => !made.has(`${ownerId}:${domainId}`));
  fresh.forEach((domainId) => made.add(`${ownerId}:${domainId}`));
  for (const list of inLists(fresh)) {
    await manager.createQueryBuilder().relation(entity, 'domains').of(ownerId).add(list);
  }
}

function required<T>(rows: ReadonlyMap<string, T>, ref: string): T {
  const row = rows.get(ref);
  if (!row) throw new Error(`seed plan refers to unknown ${ref}`);
  return row;
}

function withoutRef(server: PlannedLdapServer): Omit<PlannedLdapServer, 'ref'> {
  const { name, port, useSsl, searchBase, searchFilter, attrUid, attrCn, bindUser, bindPassword } =
    server;
  return { name, port, useSsl, searchBase, searchFilter, attrUid, attrCn, bindUser, bindPassword };
}
