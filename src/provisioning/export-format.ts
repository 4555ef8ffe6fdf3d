/**
 * The export format of `automx2-nest export` / `import` (docs/export-format.md): every
 * row of the seven automx2 tables, in id order, with every column explicit. It keeps the
 * vocabulary of seeding format version 2 (`version: 2`, `domains` items with `name` and
 * `ldapserver_id`, `ldapservers` items with an `id`, snake_case column names) and adds
 * several providers, the columns v2 derives, and the domains each server belongs to.
 * Ids in a document are local to it (1, 2, ... in row order); the database assigns new
 * ones on import, in the same order.
 */
export const EXPORT_FORMAT = 'automx2-nest-export';
export const EXPORT_VERSION = 1;

export interface ExportProvider {
  readonly id: number;
  readonly name: string;
  readonly short_name: string;
}

export interface ExportLdapServer {
  readonly id: number;
  readonly name: string;
  readonly port: number;
  readonly use_ssl: boolean;
  readonly search_base: string;
  readonly search_filter: string;
  readonly attr_uid: string;
  readonly attr_cn: string | null;
  readonly bind_user: string | null;
  readonly bind_password: string | null;
}

export interface ExportDomain {
  readonly name: string;
  readonly provider_id: number;
  readonly ldapserver_id: number | null;
}

export interface ExportServer {
  readonly type: string;
  readonly name: string;
  readonly port: number;
  readonly socket_type: string;
  readonly user_name: string;
  readonly authentication: string;
  readonly prio: number;
  /** Names of the domains the server serves, as in `domains[].name`. */
  readonly domains: readonly string[];
}

export interface ExportDavServer {
  readonly type: string;
  readonly url: string;
  readonly port: number;
  readonly use_ssl: boolean;
  readonly domain_required: boolean;
  readonly user_name: string | null;
  readonly domains: readonly string[];
}

export interface ExportDocument {
  readonly version: 2;
  readonly format: typeof EXPORT_FORMAT;
  readonly export_version: typeof EXPORT_VERSION;
  readonly providers: readonly ExportProvider[];
  readonly ldapservers: readonly ExportLdapServer[];
  readonly domains: readonly ExportDomain[];
  readonly servers: readonly ExportServer[];
  readonly davservers: readonly ExportDavServer[];
}
