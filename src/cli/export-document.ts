import type { DatabaseSnapshot, SnapshotLink } from '../database/export.repository';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportDavServer,
  type ExportDocument,
  type ExportServer,
} from './export-format';

/**
 * The export document of a database snapshot: rows in id order, ids renumbered 1, 2, ...
 * within the document, servers naming their domains (in domain id order).
 */
export function documentFromSnapshot(snapshot: DatabaseSnapshot): ExportDocument {
  const providerIds = positions(snapshot.providers);
  const ldapIds = positions(snapshot.ldapServers);
  const domainNames = new Map(snapshot.domains.map((domain) => [domain.id, domain.name]));
  const domainOrder = positions(snapshot.domains);
  const domainsOf = (links: readonly SnapshotLink[], ownerId: number): string[] =>
    links
      .filter((link) => link.ownerId === ownerId)
      .map((link) => link.domainId)
      .sort((a, b) => (domainOrder.get(a) ?? 0) - (domainOrder.get(b) ?? 0))
      .map((domainId) => lookup(domainNames, domainId, 'domain'));
  return {
    version: 2,
    format: EXPORT_FORMAT,
    export_version: EXPORT_VERSION,
    providers: snapshot.providers.map((provider) => ({
      id: lookup(providerIds, provider.id, 'provider'),
      name: provider.name,
      short_name: provider.shortName,
    })),
    ldapservers: snapshot.ldapServers.map((server) => ({
      id: lookup(ldapIds, server.id, 'ldapserver'),
      name: server.name,
      port: server.port,
      use_ssl: server.useSsl,
      search_base: server.searchBase,
      search_filter: server.searchFilter,
      attr_uid: server.attrUid,
      attr_cn: server.attrCn,
      bind_user: server.bindUser,
      bind_password: server.bindPassword,
    })),
    domains: snapshot.domains.map((domain) => ({
      name: domain.name,
      provider_id: lookup(providerIds, domain.providerId, 'provider'),
      ldapserver_id:
        domain.ldapserverId === null ? null : lookup(ldapIds, domain.ldapserverId, 'ldapserver'),
    })),
    servers: snapshot.servers.map((server): ExportServer => ({
      type: server.type,
      name: server.name,
      port: server.port,
      socket_type: server.socketType,
      user_name: server.userName,
      authentication: server.authentication,
      prio: server.prio,
      domains: domainsOf(snapshot.serverDomains, server.id),
    })),
    davservers: snapshot.davServers.map((server): ExportDavServer => ({
      type: server.type,
      url: server.url,
      port: server.port,
      use_ssl: server.useSsl,
      domain_required: server.domainRequired,
      user_name: server.userName,
      domains: domainsOf(snapshot.davServerDomains, server.id),
    })),
  };
}

/** Whether the document carries LDAP bind credentials (the export warns about them). */
export function containsSecrets(document: ExportDocument): boolean {
  return document.ldapservers.some(
    (server) => (server.bind_password ?? '') !== '' || (server.bind_user ?? '') !== '',
  );
}

/** The document as written by `export`: two-space indented JSON with a final newline. */
export function serialiseDocument(document: ExportDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Database id → 1-based position in row order. */
function positions(rows: readonly { readonly id: number }[]): Map<number, number> {
  return new Map(rows.map((row, index) => [row.id, index + 1]));
}

function lookup<T>(map: ReadonlyMap<number, T>, id: number, table: string): T {
  const value = map.get(id);
  if (value === undefined) throw new Error(`the database refers to a missing ${table} ${id}`);
  return value;
}
