import type { DavServer, LdapServer, MailServer, Provider } from '../mail-settings/domain-settings';
import type { Engine } from './engine';
import { toBoolean, toInteger, toNullableString, toText, type Row } from './row-values';

/**
 * The statements of a streamed export (export.repository.ts), written once per dialect:
 * every table read in pages of EXPORT_PAGE_ROWS rows by keyset (the rows after the last
 * key read, in key order), so that each page is an index range scan however far into the
 * table it is, and rows converted from each driver's raw values.
 */
export const EXPORT_PAGE_ROWS = 1000;

export interface ExportDomainRow {
  readonly id: number;
  readonly name: string;
  readonly providerId: number;
  readonly ldapserverId: number | null;
}

/** Where a page of a link table starts: after this (owner, domain) key. */
export interface LinkKey {
  readonly ownerId: number;
  readonly domainId: number;
}

/** A row of `server_domain` or `davserver_domain` with its domain's name (null: no such domain). */
export interface NamedLink extends LinkKey {
  readonly domainName: string | null;
}

/** One table read page by page: its first page, the page after a key, and its rows. */
export interface PagedStatement<K, T> {
  readonly first: string;
  readonly next: string;
  readonly parameters: (after: K) => unknown[];
  readonly convert: (row: Row) => T;
}

export interface ExportSql {
  readonly providers: PagedStatement<number, Provider>;
  readonly ldapServers: PagedStatement<number, LdapServer>;
  readonly domains: PagedStatement<number, ExportDomainRow>;
  readonly servers: PagedStatement<number, MailServer>;
  readonly davServers: PagedStatement<number, DavServer>;
  readonly serverLinks: PagedStatement<LinkKey, NamedLink>;
  readonly davServerLinks: PagedStatement<LinkKey, NamedLink>;
}

export function exportSql(engine: Engine): ExportSql {
  const q = (name: string) => (engine === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const p = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
  const limit = `LIMIT ${EXPORT_PAGE_ROWS}`;

  const table = <T>(name: string, columns: string, convert: (row: Row) => T) => {
    const select = `SELECT ${columns} FROM ${q(name)} t`;
    return {
      first: `${select} ORDER BY t.id ${limit}`,
      next: `${select} WHERE t.id > ${p(1)} ORDER BY t.id ${limit}`,
      parameters: (after: number) => [after],
      convert,
    };
  };

  const links = (name: string, owner: string): PagedStatement<LinkKey, NamedLink> => {
    const select =
      `SELECT l.${owner} AS owner_id, l.domain_id AS domain_id, d.name AS domain_name ` +
      `FROM ${q(name)} l LEFT JOIN ${q('domain')} d ON d.id = l.domain_id`;
    const order = `ORDER BY l.${owner}, l.domain_id ${limit}`;
    // A row-value comparison is a range scan of the primary key on PostgreSQL and
    // SQLite; MySQL/MariaDB find the same range in the equivalent OR.
    const after =
      engine === 'mysql'
        ? `l.${owner} > ? OR (l.${owner} = ? AND l.domain_id > ?)`
        : `(l.${owner}, l.domain_id) > (${p(1)}, ${p(2)})`;
    return {
      first: `${select} ${order}`,
      next: `${select} WHERE ${after} ${order}`,
      parameters: ({ ownerId, domainId }) =>
        engine === 'mysql' ? [ownerId, ownerId, domainId] : [ownerId, domainId],
      convert: (row) => ({
        ownerId: toInteger(row.owner_id),
        domainId: toInteger(row.domain_id),
        domainName: toNullableString(row.domain_name),
      }),
    };
  };

  return {
    providers: table('provider', 't.id, t.name, t.short_name', (row) => ({
      id: toInteger(row.id),
      name: toText(row.name),
      shortName: toText(row.short_name),
    })),
    ldapServers: table(
      'ldapserver',
      't.id, t.name, t.port, t.use_ssl, t.search_base, t.search_filter, t.attr_uid, ' +
        't.attr_cn, t.bind_password, t.bind_user',
      (row) => ({
        id: toInteger(row.id),
        name: toText(row.name),
        port: toInteger(row.port),
        useSsl: toBoolean(row.use_ssl),
        searchBase: toText(row.search_base),
        searchFilter: toText(row.search_filter),
        attrUid: toText(row.attr_uid),
        attrCn: toNullableString(row.attr_cn),
        bindPassword: toNullableString(row.bind_password),
        bindUser: toNullableString(row.bind_user),
      }),
    ),
    domains: table('domain', 't.id, t.name, t.provider_id, t.ldapserver_id', (row) => ({
      id: toInteger(row.id),
      name: toText(row.name),
      providerId: toInteger(row.provider_id),
      ldapserverId: row.ldapserver_id == null ? null : toInteger(row.ldapserver_id),
    })),
    servers: table(
      'server',
      't.id, t.prio, t.name, t.port, t.type, t.socket_type, t.user_name, t.authentication',
      (row) => ({
        id: toInteger(row.id),
        prio: toInteger(row.prio),
        name: toText(row.name),
        port: toInteger(row.port),
        type: toText(row.type),
        socketType: toText(row.socket_type),
        userName: toText(row.user_name),
        authentication: toText(row.authentication),
      }),
    ),
    davServers: table(
      'davserver',
      't.id, t.url, t.port, t.type, t.use_ssl, t.domain_required, t.user_name',
      (row) => ({
        id: toInteger(row.id),
        url: toText(row.url),
        port: toInteger(row.port),
        type: toText(row.type),
        useSsl: toBoolean(row.use_ssl),
        domainRequired: toBoolean(row.domain_required),
        userName: toNullableString(row.user_name),
      }),
    ),
    serverLinks: links('server_domain', 'server_id'),
    davServerLinks: links('davserver_domain', 'davserver_id'),
  };
}
