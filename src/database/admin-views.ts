import type {
  DavServerView,
  DomainView,
  LdapServerView,
  ProviderView,
  ServerView,
  WithUsage,
} from '../admin/admin-store';
import type { DavServer, LdapServer, MailServer, Provider } from '../mail-settings/domain-settings';

/**
 * The admin API's views of stored rows (docs/admin-api.md): the columns as stored,
 * under their snake_case names, in one fixed key order, so that a view's ETag (a hash
 * of its JSON) changes exactly when a value does.
 */

/** The rows of one domain, lists in any order. */
export interface DomainRows {
  readonly name: string;
  readonly provider: Provider;
  readonly ldapServer: LdapServer | null;
  readonly servers: readonly MailServer[];
  readonly davServers: readonly DavServer[];
}

/**
 * A domain's view. Its lists are in the order the client routes answer them
 * (settings-rows.ts): mail servers by prio, then id; DAV servers by id.
 */
export function domainView(rows: DomainRows): DomainView {
  return {
    name: rows.name,
    provider: providerView(rows.provider),
    ldapserver: rows.ldapServer === null ? null : ldapServerView(rows.ldapServer),
    servers: [...rows.servers].sort((a, b) => a.prio - b.prio || a.id - b.id).map(serverView),
    davservers: [...rows.davServers].sort((a, b) => a.id - b.id).map(davServerView),
  };
}

export function providerView(row: Provider): ProviderView {
  return { id: row.id, name: row.name, short_name: row.shortName };
}

export function ldapServerView(row: LdapServer): LdapServerView {
  return {
    id: row.id,
    name: row.name,
    port: row.port,
    use_ssl: row.useSsl,
    search_base: row.searchBase,
    search_filter: row.searchFilter,
    attr_uid: row.attrUid,
    attr_cn: row.attrCn,
    bind_user: row.bindUser,
    bind_password: row.bindPassword,
  };
}

export function serverView(row: MailServer): ServerView {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    port: row.port,
    socket_type: row.socketType,
    user_name: row.userName,
    authentication: row.authentication,
    prio: row.prio,
  };
}

export function davServerView(row: DavServer): DavServerView {
  return {
    id: row.id,
    type: row.type,
    url: row.url,
    port: row.port,
    use_ssl: row.useSsl,
    domain_required: row.domainRequired,
    user_name: row.userName,
  };
}

/** A shared row's view with the number of domains using it (last, as in the docs). */
export function withUsage<T extends object>(view: T, domainCount: number): WithUsage<T> {
  return { ...view, domain_count: domainCount };
}
