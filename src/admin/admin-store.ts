import type {
  ProviderView,
  ServerView,
  DavServerView,
  LdapServerView,
  DomainView,
  DomainListItem,
} from './domain-view';
import { etagOf, ifMatchAccepts } from './etag';

export type {
  ProviderView,
  ServerView,
  DavServerView,
  LdapServerView,
  DomainView,
  DomainListItem,
} from './domain-view';

/**
 * What the admin API reads and writes, in the API's own vocabulary (snake_case fields,
 * as in docs/admin-api.md and the export format). AdminRepository (src/database)
 * implements it; the controllers and services of src/admin depend only on this.
 */

/** One page of a list; `nextCursor` null on the last page. Cursors are opaque strings. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  /** 1..500, checked by the caller. */
  readonly limit: number;
  /** The `nextCursor` of the previous page; undefined for the first page. */
  readonly cursor?: string;
}

export type SharedKind = 'servers' | 'davservers' | 'ldapservers' | 'providers';

/** Columns of a shared row as written by PUT (no id). */
export type SharedColumns = {
  readonly servers: Omit<ServerView, 'id'>;
  readonly davservers: Omit<DavServerView, 'id'>;
  readonly ldapservers: Omit<LdapServerView, 'id'>;
  readonly providers: Omit<ProviderView, 'id'>;
};

export type SharedView = {
  readonly servers: ServerView;
  readonly davservers: DavServerView;
  readonly ldapservers: LdapServerView;
  readonly providers: ProviderView;
};

export type WithUsage<T> = T & { readonly domain_count: number };

/**
 * A precondition on the current state of a resource, checked inside the write
 * transaction (under the writers' lock): `ifMatch` an ETag (or '*': must exist),
 * `ifNoneMatch` '*' (must not exist). The store computes ETags with etagOf().
 */
export interface Precondition {
  readonly ifMatch?: readonly string[];
  readonly ifNoneMatch?: '*';
}

/**
 * Whether a precondition holds for the current ETag of a resource (null: it does not
 * exist). If-Match fails for a resource that does not exist, whatever the tags.
 */
export function preconditionHolds(precondition: Precondition, current: string | null): boolean {
  if (precondition.ifNoneMatch === '*' && current !== null) return false;
  if (precondition.ifMatch !== undefined && !ifMatchAccepts(precondition.ifMatch, current)) {
    return false;
  }
  return true;
}

/** The ETag of a shared row: of its view without `domain_count` (a count is no change). */
export function sharedEtag(view: WithUsage<SharedView[SharedKind]>): string {
  const row: Record<string, unknown> = { ...view };
  delete row.domain_count;
  return etagOf(row);
}

/** A `cursor` that no list of this store handed out (malformed, or of another list). */
export class BadCursor extends Error {
  constructor() {
    super('cursor: not a cursor of this list');
    this.name = 'BadCursor';
  }
}

/** The outcome of a conditional write whose precondition failed. */
export class PreconditionFailed extends Error {
  constructor() {
    super('the resource changed meanwhile (If-Match) or exists already (If-None-Match)');
    this.name = 'PreconditionFailed';
  }
}

/** A write refused because of other rows (in use, name taken). */
export class WriteConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteConflict';
  }
}

/**
 * Every method may also fail with a DomainError: BACKEND_UNAVAILABLE (database
 * unreachable or busy, or its tables not created yet), INVALID_SEED (a write the
 * database refused, as one `document: …` line). Lists throw BadCursor for a cursor they
 * did not hand out; writes throw PreconditionFailed and WriteConflict.
 */
export abstract class AdminStore {
  /** Domains in name order; `search` keeps names containing it (any case, IDN either form). */
  abstract listDomains(page: PageRequest, search?: string): Promise<Page<DomainListItem>>;

  /** The domain as clients look it up (case-insensitive, IDN either form), or null. */
  abstract getDomain(name: string): Promise<DomainView | null>;

  /**
   * Creates or replaces one domain from a plan of exactly one domain (the same merge as
   * `import --merge`), in one transaction; the precondition is checked against the view
   * inside it. Returns whether the domain was created, and its view afterwards. With
   * `keepStoredSpelling` (a body without `name`) an existing domain keeps the spelling
   * it is stored under, whatever the case or IDN form of the path.
   */
  abstract putDomain(
    plan: import('../provisioning/plan').SeedPlan,
    precondition: Precondition,
    keepStoredSpelling?: boolean,
  ): Promise<{ readonly created: boolean; readonly view: DomainView }>;

  /**
   * Deletes the domain (every stored spelling of it) and rows nobody uses any more;
   * false when it does not exist.
   */
  abstract deleteDomain(name: string, precondition: Precondition): Promise<boolean>;

  /** Shared rows of a kind in id order, each with the number of domains using it. */
  abstract listShared<K extends SharedKind>(
    kind: K,
    page: PageRequest,
  ): Promise<Page<WithUsage<SharedView[K]>>>;

  /** A shared row with the number of domains using it, or null. */
  abstract getShared<K extends SharedKind>(
    kind: K,
    id: number,
  ): Promise<WithUsage<SharedView[K]> | null>;

  /** The domains using a shared row, paged like listDomains; null when the row does not exist. */
  abstract domainsUsing(
    kind: SharedKind,
    id: number,
    page: PageRequest,
  ): Promise<Page<DomainListItem> | null>;

  /** Replaces the columns; null when the row does not exist. WriteConflict for a taken provider name. */
  abstract putShared<K extends SharedKind>(
    kind: K,
    id: number,
    columns: SharedColumns[K],
    precondition: Precondition,
  ): Promise<WithUsage<SharedView[K]> | null>;

  /** Deletes an unused row; false when it does not exist; WriteConflict while domains use it. */
  abstract deleteShared(kind: SharedKind, id: number, precondition: Precondition): Promise<boolean>;
}
