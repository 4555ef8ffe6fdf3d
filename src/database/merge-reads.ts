import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DomainEntity } from './entities/domain.entity';
import { engineOf } from './engine';
import { inLists } from './in-lists';
import { toInteger, type Row } from './row-values';

/**
 * The reads of a merge or a domain deletion: only the rows a plan or a domain can touch,
 * by indexed columns (the migrations' indexes), IN list by IN list (in-lists.ts), so
 * that their cost follows the size of the change, not the size of the database.
 */

/** The link tables and the column naming each link's server. */
export const LINK_OWNER = { server_domain: 'server_id', davserver_domain: 'davserver_id' } as const;
export type LinkTable = keyof typeof LINK_OWNER;

/**
 * Rows of `entity` whose `property` (a column of the same name) is one of `values`, each
 * once, in id order. MySQL/MariaDB compare strings case-, accent- and trailing-space-
 * insensitively, so for strings this is a superset: callers compare exactly.
 */
export async function rowsWhereIn<E extends ObjectLiteral & { readonly id: number }>(
  manager: EntityManager,
  entity: EntityTarget<E>,
  property: keyof E & string,
  values: Iterable<string>,
): Promise<E[]> {
  const rows: E[] = [];
  for (const list of inLists(values)) {
    rows.push(
      ...(await manager
        .createQueryBuilder(entity, 'r')
        .where(`r.${property} IN (:...values)`, { values: list })
        .getMany()),
    );
  }
  return onceInIdOrder(rows);
}

/**
 * Stored domains that may be spelt as one of `names` (lower-cased), each once, in id
 * order. PostgreSQL and SQLite compare `lower(name)`, which ix_domain_name_lower serves
 * (as lookups do); MySQL/MariaDB compare `name` through the case-insensitive collation
 * of its unique index, which also equates accents and trailing spaces. Callers compare
 * exactly.
 */
export async function domainsNamed(
  manager: EntityManager,
  names: Iterable<string>,
): Promise<DomainEntity[]> {
  const column = engineOf(manager.connection) === 'mysql' ? 'd.name' : 'lower(d.name)';
  const rows: DomainEntity[] = [];
  for (const list of inLists(names)) {
    rows.push(
      ...(await manager
        .createQueryBuilder(DomainEntity, 'd')
        .where(`${column} IN (:...names)`, { names: list })
        .getMany()),
    );
  }
  return onceInIdOrder(rows);
}

/** The servers (or DAV servers) linked to each of `domainIds`: domain id → owner ids. */
export async function linksOfDomains(
  manager: EntityManager,
  table: LinkTable,
  domainIds: Iterable<number>,
): Promise<Map<number, number[]>> {
  const owners = new Map<number, number[]>();
  for (const list of inLists(domainIds)) {
    const rows = await manager
      .createQueryBuilder()
      .select(`l.${LINK_OWNER[table]}`, 'owner_id')
      .addSelect('l.domain_id', 'domain_id')
      .from(table, 'l')
      .where('l.domain_id IN (:...ids)', { ids: list })
      .getRawMany<Row>();
    for (const row of rows) {
      const domainId = toInteger(row.domain_id);
      const ownerId = toInteger(row.owner_id);
      const known = owners.get(domainId);
      if (known) known.push(ownerId);
      else owners.set(domainId, [ownerId]);
    }
  }
  return owners;
}

/** Where rows of one table are used: the table and column that refer to them. */
export interface Usage {
  readonly owner: string;
  readonly table: string;
  readonly column: string;
}

/**
 * Which of `ids` (rows of `usage.owner`) some row of `usage.table` still refers to. One
 * EXISTS probe per id, through the index on the referring column, so a server that a
 * million domains share costs as little as one that two share.
 */
export async function idsInUse(
  manager: EntityManager,
  usage: Usage,
  ids: Iterable<number>,
): Promise<Set<number>> {
  const escape = (name: string) => manager.connection.driver.escape(name);
  const used = new Set<number>();
  for (const list of inLists(ids)) {
    const rows = await manager
      .createQueryBuilder()
      .select('o.id', 'id')
      .from(usage.owner, 'o')
      .where('o.id IN (:...ids)', { ids: list })
      .andWhere(
        `EXISTS (SELECT 1 FROM ${escape(usage.table)} u WHERE u.${escape(usage.column)} = o.id)`,
      )
      .getRawMany<Row>();
    for (const row of rows) used.add(toInteger(row.id));
  }
  return used;
}

/** Rows read list by list may repeat (MySQL collations) and come in list order. */
function onceInIdOrder<E extends { readonly id: number }>(rows: readonly E[]): E[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
