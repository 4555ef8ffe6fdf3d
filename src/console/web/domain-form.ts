import type { DavServerView, DomainView, LdapServerView, ServerView } from './api-types';

/**
 * The editor's state of a domain: every text input's value as typed, and the body of
 * `PUT /domains/{name}` built from it. Whole numbers typed become JSON numbers; anything
 * else in a number field is sent as typed, so the API names that field in its answer
 * (`servers[0].port: must be an integer`) instead of the console guessing.
 */

export interface ServerForm {
  /** Identifies the row in the editor across edits (not sent). */
  readonly key: number;
  readonly type: string;
  readonly name: string;
  readonly port: string;
  readonly socket_type: string;
  readonly user_name: string;
  readonly authentication: string;
  readonly prio: string;
}

export interface DavServerForm {
  readonly key: number;
  readonly type: string;
  readonly url: string;
  readonly port: string;
  readonly use_ssl: boolean;
  readonly domain_required: boolean;
  /** null: none (the input shows it empty; emptying it again means none). */
  readonly user_name: string | null;
}

export interface LdapServerForm {
  readonly name: string;
  readonly port: string;
  readonly use_ssl: boolean;
  readonly search_base: string;
  readonly search_filter: string;
  readonly attr_uid: string;
  readonly attr_cn: string | null;
  readonly bind_user: string | null;
  readonly bind_password: string | null;
}

export interface DomainForm {
  readonly name: string;
  readonly provider: { readonly name: string; readonly short_name: string };
  readonly servers: readonly ServerForm[];
  readonly davservers: readonly DavServerForm[];
  readonly ldapserver: LdapServerForm | null;
}

/** The body of `PUT /domains/{name}` (no ids: the API matches rows by their columns). */
export interface DomainBody {
  readonly name: string;
  readonly provider: { readonly name: string; readonly short_name: string };
  readonly ldapserver: Record<string, unknown> | null;
  readonly servers: readonly Record<string, unknown>[];
  readonly davservers: readonly Record<string, unknown>[];
}

/**
 * Rows read from a view are keyed by their position, so that reloading the view after a
 * save keeps the same inputs on the page (only their values change); rows added in the
 * editor take keys above any position.
 */
let nextKey = 1_000_000;

/** A key no row of any form has. */
export function newKey(): number {
  return nextKey++;
}

export function formFromView(view: DomainView): DomainForm {
  return {
    name: view.name,
    provider: { name: view.provider.name, short_name: view.provider.short_name },
    servers: view.servers.map((server, index) => serverForm(server, index)),
    davservers: view.davservers.map((server, index) => davServerForm(server, index)),
    ldapserver: view.ldapserver && ldapServerForm(view.ldapserver),
  };
}

function serverForm(server: ServerView, key: number): ServerForm {
  return {
    key,
    type: server.type,
    name: server.name,
    port: String(server.port),
    socket_type: server.socket_type,
    user_name: server.user_name,
    authentication: server.authentication,
    prio: String(server.prio),
  };
}

function davServerForm(server: DavServerView, key: number): DavServerForm {
  return {
    key,
    type: server.type,
    url: server.url,
    port: String(server.port),
    use_ssl: server.use_ssl,
    domain_required: server.domain_required,
    user_name: server.user_name,
  };
}

function ldapServerForm(server: LdapServerView): LdapServerForm {
  return {
    name: server.name,
    port: String(server.port),
    use_ssl: server.use_ssl,
    search_base: server.search_base,
    search_filter: server.search_filter,
    attr_uid: server.attr_uid,
    attr_cn: server.attr_cn,
    bind_user: server.bind_user,
    bind_password: server.bind_password,
  };
}

/** A new mail server row: after the others (prio 10 above the highest whole prio). */
export function newServer(servers: readonly ServerForm[]): ServerForm {
  const prios = servers.map((server) => Number(server.prio)).filter(Number.isSafeInteger);
  return {
    key: newKey(),
    type: 'imap',
    name: '',
    port: '993',
    socket_type: 'SSL',
    user_name: '%EMAILADDRESS%',
    authentication: 'plain',
    prio: String(prios.length === 0 ? 10 : Math.max(...prios) + 10),
  };
}

export function newDavServer(): DavServerForm {
  return {
    key: newKey(),
    type: 'caldav',
    url: '',
    port: '0',
    use_ssl: true,
    domain_required: true,
    user_name: '%EMAILADDRESS%',
  };
}

export function newLdapServer(): LdapServerForm {
  return {
    name: '',
    port: '636',
    use_ssl: true,
    search_base: '',
    search_filter: '(mail={0})',
    attr_uid: 'uid',
    attr_cn: 'cn',
    bind_user: null,
    bind_password: null,
  };
}

/** `993` → 993; anything that is not a whole number is left as typed, for the API to refuse. */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?[0-9]{1,15}$/.test(trimmed) ? Number(trimmed) : text;
}

/** A nullable field's value after an edit: emptied means none. */
export function textOrNull(text: string | null): string | null {
  return text === null || text === '' ? null : text;
}

export function bodyFromForm(form: DomainForm): DomainBody {
  return {
    name: form.name,
    provider: { name: form.provider.name, short_name: form.provider.short_name },
    ldapserver: form.ldapserver && {
      name: form.ldapserver.name,
      port: numberOrText(form.ldapserver.port),
      use_ssl: form.ldapserver.use_ssl,
      search_base: form.ldapserver.search_base,
      search_filter: form.ldapserver.search_filter,
      attr_uid: form.ldapserver.attr_uid,
      attr_cn: form.ldapserver.attr_cn,
      bind_user: form.ldapserver.bind_user,
      bind_password: form.ldapserver.bind_password,
    },
    servers: form.servers.map((server) => ({
      type: server.type,
      name: server.name,
      port: numberOrText(server.port),
      socket_type: server.socket_type,
      user_name: server.user_name,
      authentication: server.authentication,
      prio: numberOrText(server.prio),
    })),
    davservers: form.davservers.map((server) => ({
      type: server.type,
      url: server.url,
      port: numberOrText(server.port),
      use_ssl: server.use_ssl,
      domain_required: server.domain_required,
      user_name: server.user_name,
    })),
  };
}
