/**
 * The admin API's views of stored rows, in its own vocabulary (snake_case fields, as in
 * docs/admin-api.md and the export format). Types only: the console's bundle uses them
 * too (src/console/web/api-types.ts).
 */

export interface ProviderView {
  readonly id: number;
  readonly name: string;
  readonly short_name: string;
}

export interface ServerView {
  readonly id: number;
  readonly type: string;
  readonly name: string;
  readonly port: number;
  readonly socket_type: string;
  readonly user_name: string;
  readonly authentication: string;
  readonly prio: number;
}

export interface DavServerView {
  readonly id: number;
  readonly type: string;
  readonly url: string;
  readonly port: number;
  readonly use_ssl: boolean;
  readonly domain_required: boolean;
  readonly user_name: string | null;
}

export interface LdapServerView {
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

export interface DomainView {
  readonly name: string;
  readonly provider: ProviderView;
  readonly ldapserver: LdapServerView | null;
  /** In answer order: prio, then id, as the client routes order them (settings-rows.ts). */
  readonly servers: readonly ServerView[];
  readonly davservers: readonly DavServerView[];
}

export interface DomainListItem {
  readonly name: string;
  readonly provider: string;
}
