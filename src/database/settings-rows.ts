import type {
  DavServer,
  DomainSettings,
  LdapServer,
  MailServer,
} from '../mail-settings/domain-settings';
import { toBoolean, toInteger, toNullableString, toText, type Row } from './row-values';
import { ROW_KIND } from './settings-sql';

/**
 * The rows of one lookup statement (settings-sql.ts), in any order, as the domain's
 * settings; null when no domain matched (no domain row).
 */
export function settingsFromRows(rows: readonly Row[]): DomainSettings | null {
  const ordered = rows
    .map((row) => ({ row, k: toInteger(row.k), o1: toInteger(row.o1), o2: toInteger(row.o2) }))
    .sort((a, b) => a.k - b.k || a.o1 - b.o1 || a.o2 - b.o2);
  const domain = ordered[0]?.k === ROW_KIND.domain ? ordered[0].row : null;
  if (!domain) return null;
  const providerDomains: string[] = [];
  const servers: MailServer[] = [];
  const davServers: DavServer[] = [];
  for (const { row, k } of ordered) {
    switch (k) {
      case ROW_KIND.providerDomain:
        providerDomains.push(toText(row.pd_name));
        break;
      case ROW_KIND.server:
        servers.push(toMailServer(row));
        break;
      case ROW_KIND.davServer:
        davServers.push(toDavServer(row));
        break;
    }
  }
  return {
    domainId: toInteger(domain.d_id),
    domainName: toText(domain.d_name),
    provider: {
      id: toInteger(domain.p_id),
      name: toText(domain.p_name),
      shortName: toText(domain.p_short_name),
    },
    providerDomains,
    servers,
    davServers,
    ldapServer: domain.l_id == null ? null : toLdapServer(domain),
  };
}

function toMailServer(row: Row): MailServer {
  return {
    id: toInteger(row.s_id),
    prio: toInteger(row.s_prio),
    name: toText(row.s_name),
    port: toInteger(row.s_port),
    type: toText(row.s_type),
    socketType: toText(row.s_socket_type),
    userName: toText(row.s_user_name),
    authentication: toText(row.s_authentication),
  };
}

function toDavServer(row: Row): DavServer {
  return {
    id: toInteger(row.v_id),
    url: toText(row.v_url),
    port: toInteger(row.v_port),
    type: toText(row.v_type),
    useSsl: toBoolean(row.v_use_ssl),
    domainRequired: toBoolean(row.v_domain_required),
    userName: toNullableString(row.v_user_name),
  };
}

function toLdapServer(row: Row): LdapServer {
  return {
    id: toInteger(row.l_id),
    name: toText(row.l_name),
    port: toInteger(row.l_port),
    useSsl: toBoolean(row.l_use_ssl),
    searchBase: toText(row.l_search_base),
    searchFilter: toText(row.l_search_filter),
    attrUid: toText(row.l_attr_uid),
    attrCn: toNullableString(row.l_attr_cn),
    bindPassword: toNullableString(row.l_bind_password),
    bindUser: toNullableString(row.l_bind_user),
  };
}
