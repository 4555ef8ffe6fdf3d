/**
 * The reference for the streamed export (src/cli/export-document.ts): the whole
 * database read at once through TypeORM's entities into a snapshot, turned into the
 * export document as one object and serialised with JSON.stringify. The stream must
 * write exactly these bytes. Also an in-memory ExportPages over a snapshot, for the
 * writer's unit tests.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ExportDomainRow, ExportPages, NamedLink } from '../../src/database/export.repository';
import { DavServerEntity } from '../../src/database/entities/davserver.entity';
import { DomainEntity } from '../../src/database/entities/domain.entity';
import { LdapServerEntity } from '../../src/database/entities/ldapserver.entity';
import { ProviderEntity } from '../../src/database/entities/provider.entity';
import { ServerEntity } from '../../src/database/entities/server.entity';
import { toInteger, type Row } from '../../src/database/row-values';
import type {
  DavServer,
  LdapServer,
  MailServer,
  Provider,
} from '../../src/mail-settings/domain-settings';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportDavServer,
  type ExportDocument,
  type ExportServer,
} from '../../src/provisioning/export-format';

/** A row of `server_domain` or `davserver_domain`. */
export interface SnapshotLink {
  readonly ownerId: number;
  readonly domainId: number;
}

/** Every row of the seven tables, each table in id (link tables: key) order. */
export interface DatabaseSnapshot {
  readonly providers: readonly Provider[];
  readonly ldapServers: readonly LdapServer[];
  readonly domains: readonly ExportDomainRow[];
  readonly servers: readonly MailServer[];
  readonly davServers: readonly DavServer[];
  readonly serverDomains: readonly SnapshotLink[];
  readonly davServerDomains: readonly SnapshotLink[];
}

const byId = { order: { id: 'ASC' as const } };

/** The whole database in one transaction, through TypeORM's entities. */
export function readSnapshot(dataSource: DataSource): Promise<DatabaseSnapshot> {
  const work = async (manager: EntityManager): Promise<DatabaseSnapshot> => ({
    providers: (await manager.find(ProviderEntity, byId)).map((row) => ({
      id: row.id,
      name: row.name,
      shortName: row.shortName,
    })),
    ldapServers: (await manager.find(LdapServerEntity, byId)).map((row) => ({
      id: row.id,
      name: row.name,
      port: row.port,
      useSsl: row.useSsl,
      searchBase: row.searchBase,
      searchFilter: row.searchFilter,
      attrUid: row.attrUid,
      attrCn: row.attrCn,
      bindPassword: row.bindPassword,
      bindUser: row.bindUser,
    })),
    domains: (await manager.find(DomainEntity, byId)).map((row) => ({
      id: row.id,
      name: row.name,
      providerId: row.providerId,
      ldapserverId: row.ldapserverId,
    })),
    servers: (await manager.find(ServerEntity, byId)).map((row) => ({
      id: row.id,
      prio: row.prio,
      name: row.name,
      port: row.port,
      type: row.type,
      socketType: row.socketType,
      userName: row.userName,
      authentication: row.authentication,
    })),
    davServers: (await manager.find(DavServerEntity, byId)).map((row) => ({
      id: row.id,
      url: row.url,
      port: row.port,
      type: row.type,
      useSsl: row.useSsl,
      domainRequired: row.domainRequired,
      userName: row.userName,
    })),
    serverDomains: await links(manager, 'server_domain', 'server_id'),
    davServerDomains: await links(manager, 'davserver_domain', 'davserver_id'),
  });
  return dataSource.options.type === 'better-sqlite3'
    ? dataSource.transaction(work)
    : dataSource.transaction('REPEATABLE READ', work);
}

async function links(
  manager: EntityManager,
  table: string,
  ownerColumn: string,
): Promise<SnapshotLink[]> {
  const rows = await manager
    .createQueryBuilder()
    .select(`l.${ownerColumn}`, 'owner_id')
    .addSelect('l.domain_id', 'domain_id')
    .from(table, 'l')
    .orderBy(`l.${ownerColumn}`, 'ASC')
    .addOrderBy('l.domain_id', 'ASC')
    .getRawMany<Row>();
  return rows.map((row) => ({
    ownerId: toInteger(row.owner_id),
    domainId: toInteger(row.domain_id),
  }));
}

/** The export document of a snapshot, built as one object. */
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

/** The document as `export` writes it: two-space indented JSON with a final newline. */
export function serialiseDocument(document: ExportDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The reference text of a database: what its streamed export must be. */
export async function referenceExport(dataSource: DataSource): Promise<string> {
  return serialiseDocument(documentFromSnapshot(await readSnapshot(dataSource)));
}

/**
 * A snapshot served in pages of `pageRows` rows, ordered and keyed as the database
 * reads them (export-sql.ts). Every call is recorded in `calls` (table and key).
 */
export function snapshotPages(
  snapshot: DatabaseSnapshot,
  pageRows: number,
  calls: string[] = [],
): ExportPages {
  const byKey = <T extends { readonly id: number }>(name: string, rows: readonly T[]) => {
    const sorted = [...rows].sort((a, b) => a.id - b.id);
    return (after: number | null) => {
      calls.push(`${name} ${String(after)}`);
      return Promise.resolve(
        sorted.filter((row) => after === null || row.id > after).slice(0, pageRows),
      );
    };
  };
  const byLink = (name: string, rows: readonly SnapshotLink[]) => {
    const domainNames = new Map(snapshot.domains.map((domain) => [domain.id, domain.name]));
    const sorted: NamedLink[] = [...rows]
      .sort((a, b) => a.ownerId - b.ownerId || a.domainId - b.domainId)
      .map((link) => ({ ...link, domainName: domainNames.get(link.domainId) ?? null }));
    return (after: SnapshotLink | null) => {
      calls.push(`${name} ${after === null ? 'null' : `${after.ownerId}/${after.domainId}`}`);
      return Promise.resolve(
        sorted
          .filter(
            (link) =>
              after === null ||
              link.ownerId > after.ownerId ||
              (link.ownerId === after.ownerId && link.domainId > after.domainId),
          )
          .slice(0, pageRows),
      );
    };
  };
  return {
    providers: byKey('providers', snapshot.providers),
    ldapServers: byKey('ldapservers', snapshot.ldapServers),
    domains: byKey('domains', snapshot.domains),
    servers: byKey('servers', snapshot.servers),
    davServers: byKey('davservers', snapshot.davServers),
    serverLinks: byLink('server_domain', snapshot.serverDomains),
    davServerLinks: byLink('davserver_domain', snapshot.davServerDomains),
  };
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
