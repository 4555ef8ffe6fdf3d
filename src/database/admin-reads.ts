import { Brackets, type EntityManager } from 'typeorm';
import type { DomainListItem, DomainView } from '../admin/admin-store';
import { domainLookupNames } from '../mail-settings/domain-names';
import { textProblem } from '../provisioning/field-rules';
import { LIKE_ESCAPE } from './admin-search';
import type { AnySharedTable, Usage } from './admin-shared-tables';
import { domainView } from './admin-views';
import { engineOf } from './engine';
import { DavServerEntity } from './entities/davserver.entity';
import { DomainEntity } from './entities/domain.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { toInteger, type Row } from './row-values';

/**
 * The admin API's reads, each on the caller's EntityManager: inside a read snapshot
 * (read-transaction.ts) or inside a write transaction, before and after its change.
 */

/** Longer than any name stored: such a name is not looked up at all. */
const NAME_MAX = 1024;

/**
 * The stored domains a name denotes, lowest id first: matched as client lookups match
 * (settings-sql.ts), on the lower-cased spellings of the name; the first is the one
 * clients are answered with. The spellings are those of lookups for every host name;
 * for a name that host parsing cuts short (`example.com/x`) only the name itself, so
 * that it never denotes another domain (domain-spellings.ts).
 */
export async function matchingDomains(
  manager: EntityManager,
  name: string,
): Promise<DomainEntity[]> {
  const trimmed = name.trim();
  // No stored name holds them, and PostgreSQL refuses NUL in a parameter.
  if (trimmed === '' || trimmed.length > NAME_MAX || textProblem(trimmed) !== undefined) return [];
  // MySQL/MariaDB compare through the unique index's case-insensitive collation.
  const column = engineOf(manager.connection) === 'mysql' ? 'd.name' : 'LOWER(d.name)';
  return manager
    .createQueryBuilder(DomainEntity, 'd')
    .where(`${column} IN (:...names)`, { names: domainLookupNames(trimmed) })
    .orderBy('d.id', 'ASC')
    .getMany();
}

/**
 * A stored domain's view, or null when its provider is missing (lookups join the
 * provider: such a domain does not answer clients either).
 */
export async function viewOfDomain(
  manager: EntityManager,
  domain: DomainEntity,
): Promise<DomainView | null> {
  const provider = await manager.findOneBy(ProviderEntity, { id: domain.providerId });
  if (!provider) return null;
  const ldapServer =
    domain.ldapserverId === null
      ? null
      : await manager.findOneBy(LdapServerEntity, { id: domain.ldapserverId });
  const servers = await manager
    .createQueryBuilder(ServerEntity, 's')
    .innerJoin('server_domain', 'l', 'l.server_id = s.id')
    .where('l.domain_id = :id', { id: domain.id })
    .getMany();
  const davServers = await manager
    .createQueryBuilder(DavServerEntity, 'v')
    .innerJoin('davserver_domain', 'l', 'l.davserver_id = v.id')
    .where('l.domain_id = :id', { id: domain.id })
    .getMany();
  return domainView({ name: domain.name, provider, ldapServer, servers, davServers });
}

/** The view of the domain a name denotes for clients, or null. */
export async function viewOfName(manager: EntityManager, name: string): Promise<DomainView | null> {
  const [domain] = await matchingDomains(manager, name);
  return domain ? viewOfDomain(manager, domain) : null;
}

export interface DomainPageQuery {
  /** Rows to read (a page's limit + 1, to know whether another page follows). */
  readonly rows: number;
  /** The name the previous page ended with. */
  readonly after?: string;
  /** LIKE patterns (admin-search.ts); a name matching any of them is kept. */
  readonly patterns?: readonly string[];
  /** Only the domains using this shared row. */
  readonly usedBy?: { readonly usage: Usage; readonly id: number };
}

/**
 * Domains in name order, after the cursor's name. The unique index on `name` orders
 * them and makes `name > :after` exact, in the database's collation, whatever it is.
 */
export async function domainPage(
  manager: EntityManager,
  query: DomainPageQuery,
): Promise<DomainListItem[]> {
  // The provider's name by a subquery, not a join: with a join, MySQL/MariaDB may read
  // every domain of the provider and sort them, where the name index gives a page.
  const builder = manager
    .createQueryBuilder(DomainEntity, 'd')
    .select('d.name', 'name')
    .addSelect(
      (provider) =>
        provider.select('p.name').from(ProviderEntity, 'p').where('p.id = d.providerId'),
      'provider',
    )
    .orderBy('d.name', 'ASC')
    .limit(query.rows);
  if (query.after !== undefined) builder.andWhere('d.name > :after', { after: query.after });
  const { patterns, usedBy } = query;
  if (patterns !== undefined && patterns.length > 0) {
    const column = engineOf(manager.connection) === 'mysql' ? 'd.name' : 'LOWER(d.name)';
    builder.andWhere(
      new Brackets((where) => {
        patterns.forEach((pattern, index) =>
          where.orWhere(`${column} LIKE :pattern${index} ESCAPE '${LIKE_ESCAPE}'`, {
            [`pattern${index}`]: pattern,
          }),
        );
      }),
    );
  }
  if (usedBy !== undefined) {
    const { usage, id } = usedBy;
    if ('link' in usage) {
      builder.innerJoin(usage.link, 'u', `u.domain_id = d.id AND u.${usage.owner} = :owner`, {
        owner: id,
      });
    } else {
      builder.andWhere(`d.${usage.domainColumn} = :owner`, { owner: id });
    }
  }
  const rows = await builder.getRawMany<Row>();
  return rows.map((row) => ({ name: String(row.name), provider: String(row.provider) }));
}

/** Shared rows in id order, after the cursor's id. */
export function sharedPage(
  manager: EntityManager,
  table: AnySharedTable,
  after: number,
  rows: number,
): Promise<{ id: number }[]> {
  return manager
    .createQueryBuilder(table.entity, 'r')
    .where('r.id > :after', { after })
    .orderBy('r.id', 'ASC')
    .limit(rows)
    .getMany();
}

/** How many domains use each of the rows (ids not in the map: none). */
export async function usageCounts(
  manager: EntityManager,
  usage: Usage,
  ids: readonly number[],
): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const builder =
    'link' in usage
      ? manager
          .createQueryBuilder()
          .select(`u.${usage.owner}`, 'owner')
          .from(usage.link, 'u')
          .where(`u.${usage.owner} IN (:...ids)`, { ids })
          .groupBy(`u.${usage.owner}`)
      : manager
          .createQueryBuilder(DomainEntity, 'd')
          .select(`d.${usage.domainColumn}`, 'owner')
          .where(`d.${usage.domainColumn} IN (:...ids)`, { ids })
          .groupBy(`d.${usage.domainColumn}`);
  const rows = await builder.addSelect('COUNT(*)', 'domains').getRawMany<Row>();
  return new Map(rows.map((row) => [toInteger(row.owner), toInteger(row.domains)]));
}
