import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AdminStore,
  PreconditionFailed,
  preconditionHolds,
  WriteConflict,
  type DomainListItem,
  type DomainView,
  type Page,
  type PageRequest,
  type Precondition,
  type SharedColumns,
  type SharedKind,
  type SharedView,
  type WithUsage,
} from '../admin/admin-store';
import { etagOf } from '../admin/etag';
import { DomainError } from '../common/domain-error';
import { SCHEMA_MISSING } from '../health/schema-probe';
import type { SeedPlan } from '../provisioning/plan';
import { idAfter, idCursor, nameAfter, nameCursor } from './admin-cursor';
import {
  domainPage,
  matchingDomains,
  sharedPage,
  usageCounts,
  viewOfDomain,
  viewOfName,
} from './admin-reads';
import { searchPatterns } from './admin-search';
import { SHARED_TABLES, type AnySharedTable } from './admin-shared-tables';
import { withUsage } from './admin-views';
import { DataChanges } from './data-changes';
import { DatabaseConnection } from './database-connection.service';
import { classifyDatabaseError } from './database-errors';
import { writeExclusively } from './exclusive-write';
import { ProviderEntity } from './entities/provider.entity';
import { deleteDomainRows, mergePlan } from './plan-merge';
import { readConsistently } from './read-transaction';
import { explainRejection } from './rejection';

const LIMIT_MAX = 500;
const INT32_MAX = 2147483647;

/** Where a rejected write is reported in a refused body's problems. */
const REJECTED_FIELD = 'document';

/**
 * The admin API's storage (AdminStore). Reads see one snapshot of committed data;
 * every write is one transaction under the writers' lock, like `/initdb/` and
 * `import`, checks its precondition inside it against the state it is about to change,
 * and tells this replica's caches once committed, so clients get the new settings at
 * once. Domains are found as client lookups find them, and written with the merge of
 * `import --merge` (plan-merge.ts), so shared rows stay shared and rows nobody uses
 * any more are deleted.
 */
@Injectable()
export class AdminRepository extends AdminStore {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly changes: DataChanges,
  ) {
    super();
  }

  async listDomains(page: PageRequest, search?: string): Promise<Page<DomainListItem>> {
    const limit = clampLimit(page.limit);
    const after = page.cursor === undefined ? undefined : nameAfter(page.cursor);
    const patterns = search ? searchPatterns(search) : undefined;
    if (patterns === null) return { items: [], nextCursor: null };
    const rows = await this.read(
      (manager) => domainPage(manager, { rows: limit + 1, after, patterns }),
      [],
    );
    return pageOf(rows, limit, (item) => nameCursor(item.name));
  }

  getDomain(name: string): Promise<DomainView | null> {
    return this.read((manager) => viewOfName(manager, name), null);
  }

  async putDomain(
    plan: SeedPlan,
    precondition: Precondition,
    keepStoredSpelling = false,
  ): Promise<{ readonly created: boolean; readonly view: DomainView }> {
    const [planned, ...others] = plan.domains;
    if (planned === undefined || others.length > 0) {
      throw new Error('putDomain takes a plan of exactly one domain');
    }
    return this.write(async (manager) => {
      const before = await viewOfName(manager, planned.name);
      if (!preconditionHolds(precondition, before && etagOf(before))) {
        throw new PreconditionFailed();
      }
      const written =
        keepStoredSpelling && before
          ? { ...plan, domains: [{ ...planned, name: before.name }] }
          : plan;
      const report = await explainRejection(() => mergePlan(manager, written), REJECTED_FIELD);
      const view = await viewOfName(manager, planned.name);
      if (!view) throw new Error(`domain "${planned.name}" not found after writing it`);
      return { created: report.added.length > 0, view };
    });
  }

  /**
   * Deletes the domain the name denotes for clients and every other stored spelling of
   * it (its other IDN form, another case), which clients would be answered with next.
   */
  deleteDomain(name: string, precondition: Precondition): Promise<boolean> {
    return this.write(async (manager) => {
      const matches = await matchingDomains(manager, name);
      const [first] = matches;
      const current = first ? await viewOfDomain(manager, first) : null;
      if (!preconditionHolds(precondition, current && etagOf(current))) {
        throw new PreconditionFailed();
      }
      if (matches.length === 0) throw new Unchanged(false);
      for (const domain of matches) await deleteDomainRows(manager, domain.id);
      return true;
    });
  }

  async listShared<K extends SharedKind>(
    kind: K,
    page: PageRequest,
  ): Promise<Page<WithUsage<SharedView[K]>>> {
    const limit = clampLimit(page.limit);
    const after = page.cursor === undefined ? 0 : idAfter(page.cursor);
    const table = tableOf(kind);
    const rows = await this.read(async (manager) => {
      const found = await sharedPage(manager, table, after, limit + 1);
      const counts = await usageCounts(
        manager,
        table.usage,
        found.map((row) => row.id),
      );
      return found.map((row) => ({ id: row.id, view: usedView(table, row, counts) }));
    }, []);
    return {
      items: rows.slice(0, limit).map((row) => ofKind<K>(row.view)),
      nextCursor: rows.length > limit ? idCursor(rows[limit - 1]?.id ?? 0) : null,
    };
  }

  async getShared<K extends SharedKind>(
    kind: K,
    id: number,
  ): Promise<WithUsage<SharedView[K]> | null> {
    if (!isRowId(id)) return null;
    const view = await this.read((manager) => sharedRow(manager, tableOf(kind), id), null);
    return view && ofKind<K>(view);
  }

  async domainsUsing(
    kind: SharedKind,
    id: number,
    page: PageRequest,
  ): Promise<Page<DomainListItem> | null> {
    const limit = clampLimit(page.limit);
    const after = page.cursor === undefined ? undefined : nameAfter(page.cursor);
    if (!isRowId(id)) return null;
    const table = tableOf(kind);
    const rows = await this.read(async (manager) => {
      if (!(await manager.existsBy(table.entity, { id }))) return null;
      return domainPage(manager, { rows: limit + 1, after, usedBy: { usage: table.usage, id } });
    }, null);
    return rows && pageOf(rows, limit, (item) => nameCursor(item.name));
  }

  async putShared<K extends SharedKind>(
    kind: K,
    id: number,
    columns: SharedColumns[K],
    precondition: Precondition,
  ): Promise<WithUsage<SharedView[K]> | null> {
    if (!isRowId(id)) return absent(precondition, null);
    const table = tableOf(kind);
    const view = await this.write(async (manager) => {
      const current = await manager.findOneBy(table.entity, { id });
      if (!current) throw new Unchanged(absent(precondition, null));
      if (!preconditionHolds(precondition, etagOf(table.view(current)))) {
        throw new PreconditionFailed();
      }
      if (kind === 'providers') {
        await refuseTakenProviderName(manager, id, (columns as SharedColumns['providers']).name);
      }
      await explainRejection(
        () => manager.update(table.entity, id, table.columns(columns)),
        REJECTED_FIELD,
      );
      return sharedRow(manager, table, id);
    });
    return view && ofKind<K>(view);
  }

  async deleteShared(kind: SharedKind, id: number, precondition: Precondition): Promise<boolean> {
    if (!isRowId(id)) return absent(precondition, false);
    const table = tableOf(kind);
    return this.write(async (manager) => {
      const current = await manager.findOneBy(table.entity, { id });
      if (!current) throw new Unchanged(absent(precondition, false));
      if (!preconditionHolds(precondition, etagOf(table.view(current)))) {
        throw new PreconditionFailed();
      }
      const used = (await usageCounts(manager, table.usage, [id])).get(id) ?? 0;
      if (used > 0) {
        throw new WriteConflict(`in use by ${used} ${used === 1 ? 'domain' : 'domains'}`);
      }
      await explainRejection(() => manager.delete(table.entity, id), REJECTED_FIELD);
      return true;
    });
  }

  /** Reads on one snapshot; before the tables exist (no /initdb/ yet) there is nothing. */
  private async read<T>(
    work: (manager: EntityManager) => Promise<T>,
    withoutTables: T,
  ): Promise<T> {
    try {
      return await this.connection.run((dataSource) => readConsistently(dataSource, work));
    } catch (error) {
      if (classifyDatabaseError(error) === 'missing-table') return withoutTables;
      throw error;
    }
  }

  /**
   * One write transaction under the writers' lock (exclusive-write.ts). A write that
   * finds nothing to change ends with Unchanged: rolled back, and no replica's caches
   * are told (a flood of deletes of nothing would otherwise empty them all).
   */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await writeExclusively(this.connection, this.changes, work, isRefusal);
    } catch (error) {
      // The outcome `work` would have returned: Unchanged is thrown only with one of T.
      if (error instanceof Unchanged) return error.outcome as T;
      if (classifyDatabaseError(error) === 'missing-table') {
        throw new DomainError('BACKEND_UNAVAILABLE', capitalised(SCHEMA_MISSING));
      }
      throw error;
    }
  }
}

/** Errors a write ends with on purpose: refusals (412, 409) and Unchanged. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof PreconditionFailed ||
    error instanceof WriteConflict ||
    error instanceof Unchanged
  );
}

/** Ends a write that has nothing to change, with the outcome to return (see write()). */
class Unchanged extends Error {
  constructor(readonly outcome: unknown) {
    super('nothing to change');
    this.name = 'Unchanged';
  }
}

/**
 * The table of a kind of shared row, for code that handles every kind alike. The
 * per-kind types of SHARED_TABLES cannot be narrowed by a generic K; each method casts
 * its result back to its kind's view.
 */
function tableOf(kind: SharedKind): AnySharedTable {
  return SHARED_TABLES[kind] as unknown as AnySharedTable;
}

/** A view read through tableOf(kind), as the view of that kind. */
function ofKind<K extends SharedKind>(
  view: WithUsage<SharedView[SharedKind]>,
): WithUsage<SharedView[K]> {
  return view as unknown as WithUsage<SharedView[K]>;
}

/** A shared row's view with its usage count, or null when the row does not exist. */
async function sharedRow(
  manager: EntityManager,
  table: AnySharedTable,
  id: number,
): Promise<WithUsage<SharedView[SharedKind]> | null> {
  const row = await manager.findOneBy(table.entity, { id });
  if (!row) return null;
  return usedView(table, row, await usageCounts(manager, table.usage, [id]));
}

function usedView(
  table: AnySharedTable,
  row: { id: number },
  counts: ReadonlyMap<number, number>,
): WithUsage<SharedView[SharedKind]> {
  return withUsage(table.view(row), counts.get(row.id) ?? 0);
}

/**
 * Provider names are unique (merges find providers by name): another provider with
 * exactly this name is a conflict. Compared as the merge compares, character for
 * character, also where the database's collation ignores case.
 */
async function refuseTakenProviderName(
  manager: EntityManager,
  id: number,
  name: string,
): Promise<void> {
  const namesakes = await manager
    .createQueryBuilder(ProviderEntity, 'p')
    .where('p.name = :name AND p.id <> :id', { name, id })
    .orderBy('p.id', 'ASC')
    .getMany();
  const taken = namesakes.find((provider) => provider.name === name);
  if (taken) throw new WriteConflict(`provider ${taken.id} has this name already`);
}

/**
 * The outcome of a write to a row that does not exist: If-Match fails (it names a
 * state of the row), otherwise `outcome` (not found).
 */
function absent<T>(precondition: Precondition, outcome: T): T {
  if (!preconditionHolds(precondition, null)) throw new PreconditionFailed();
  return outcome;
}

function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (item: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}

/** The page size, 1..500 (the HTTP layer refuses others; a store never fails on one). */
function clampLimit(limit: number): number {
  return Number.isInteger(limit) ? Math.min(Math.max(limit, 1), LIMIT_MAX) : LIMIT_MAX;
}

function isRowId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= INT32_MAX;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
