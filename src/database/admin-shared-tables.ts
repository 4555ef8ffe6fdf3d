import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { SharedColumns, SharedKind, SharedView } from '../admin/admin-store';
import { davServerView, ldapServerView, providerView, serverView } from './admin-views';
import { DavServerEntity } from './entities/davserver.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';

/**
 * How the admin API's shared rows are stored: per kind, the entity, its view, its
 * columns as written by `PUT`, and how domains use a row (a link table, or a column
 * of `domain`).
 */

/** Domains use a row through a link table (`server_domain.server_id`) or a domain column. */
export type Usage =
  | { readonly link: 'server_domain' | 'davserver_domain'; readonly owner: string }
  | { readonly domainColumn: 'providerId' | 'ldapserverId' };

export interface SharedTable<K extends SharedKind, E extends { id: number }> {
  readonly entity: new () => E;
  /** A row's name in messages ("server 3"). */
  readonly noun: string;
  readonly view: (row: E) => SharedView[K];
  readonly columns: (columns: SharedColumns[K]) => QueryDeepPartialEntity<E>;
  readonly usage: Usage;
}

interface Entities {
  readonly servers: ServerEntity;
  readonly davservers: DavServerEntity;
  readonly ldapservers: LdapServerEntity;
  readonly providers: ProviderEntity;
}

export type AnySharedTable = SharedTable<SharedKind, { id: number }>;

export const SHARED_TABLES: { readonly [K in SharedKind]: SharedTable<K, Entities[K]> } = {
  servers: {
    entity: ServerEntity,
    noun: 'server',
    view: serverView,
    columns: (c) => ({
      type: c.type,
      name: c.name,
      port: c.port,
      socketType: c.socket_type,
      userName: c.user_name,
      authentication: c.authentication,
      prio: c.prio,
    }),
    usage: { link: 'server_domain', owner: 'server_id' },
  },
  davservers: {
    entity: DavServerEntity,
    noun: 'DAV server',
    view: davServerView,
    columns: (c) => ({
      type: c.type,
      url: c.url,
      port: c.port,
      useSsl: c.use_ssl,
      domainRequired: c.domain_required,
      userName: c.user_name,
    }),
    usage: { link: 'davserver_domain', owner: 'davserver_id' },
  },
  ldapservers: {
    entity: LdapServerEntity,
    noun: 'LDAP server',
    view: ldapServerView,
    columns: (c) => ({
      name: c.name,
      port: c.port,
      useSsl: c.use_ssl,
      searchBase: c.search_base,
      searchFilter: c.search_filter,
      attrUid: c.attr_uid,
      attrCn: c.attr_cn,
      bindUser: c.bind_user,
      bindPassword: c.bind_password,
    }),
    usage: { domainColumn: 'ldapserverId' },
  },
  providers: {
    entity: ProviderEntity,
    noun: 'provider',
    view: providerView,
    columns: (c) => ({ name: c.name, shortName: c.short_name }),
    usage: { domainColumn: 'providerId' },
  },
};
