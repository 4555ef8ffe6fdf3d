import type { PlannedDavServer, PlannedLdapServer, PlannedProvider, PlannedServer } from './plan';
import { complete, type Json, type Problems } from './problems';

/**
 * The columns of each table as written in a document (snake_case, every column
 * explicit), checked field by field with the rules of field-rules.ts. Export documents
 * and the admin API's bodies both read rows with these functions. Each returns the
 * row's columns, or undefined when a field failed (its problems are in `check`).
 */

export type ProviderColumns = Omit<PlannedProvider, 'ref'>;
export type LdapServerColumns = Omit<PlannedLdapServer, 'ref'>;
export type ServerColumns = Omit<PlannedServer, 'domainRefs'>;
export type DavServerColumns = Omit<PlannedDavServer, 'domainRefs'>;

/** A domain's name: non-empty, at most 128 characters, storable text. */
export const DOMAIN_NAME_MAX = 128;

export function domainName(check: Problems, item: Json, path: string): string | undefined {
  return check.text(item, 'name', path, DOMAIN_NAME_MAX, true);
}

export function providerColumns(
  check: Problems,
  item: Json,
  path: string,
): ProviderColumns | undefined {
  const row = {
    name: check.text(item, 'name', path, 128),
    shortName: check.text(item, 'short_name', path, 32),
  };
  return complete(row) ? row : undefined;
}

export function ldapServerColumns(
  check: Problems,
  item: Json,
  path: string,
): LdapServerColumns | undefined {
  const row = {
    name: check.text(item, 'name', path, 128),
    port: check.port(item, 'port', path, 'service'),
    useSsl: check.bool(item, 'use_ssl', path),
    searchBase: check.text(item, 'search_base', path, 128),
    searchFilter: check.text(item, 'search_filter', path, 128),
    attrUid: check.text(item, 'attr_uid', path, 32),
    attrCn: check.nullableText(item, 'attr_cn', path, 32),
    bindUser: check.nullableText(item, 'bind_user', path, 128),
    bindPassword: check.nullableText(item, 'bind_password', path, 128, { secret: true }),
  };
  return complete(row) ? row : undefined;
}

export function serverColumns(
  check: Problems,
  item: Json,
  path: string,
): ServerColumns | undefined {
  const row = {
    prio: check.int32(item, 'prio', path),
    name: check.text(item, 'name', path, 128),
    port: check.port(item, 'port', path, 'service'),
    type: check.text(item, 'type', path, 32),
    socketType: check.text(item, 'socket_type', path, 32),
    userName: check.text(item, 'user_name', path, 64),
    authentication: check.text(item, 'authentication', path, 32),
  };
  return complete(row) ? row : undefined;
}

export function davServerColumns(
  check: Problems,
  item: Json,
  path: string,
): DavServerColumns | undefined {
  const row = {
    url: check.text(item, 'url', path, 128),
    port: check.port(item, 'port', path, 'dav'),
    type: check.text(item, 'type', path, 32),
    useSsl: check.bool(item, 'use_ssl', path),
    domainRequired: check.bool(item, 'domain_required', path),
    userName: check.nullableText(item, 'user_name', path, 64),
  };
  return complete(row) ? row : undefined;
}
