import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { DavServer, LdapServer, MailServer, Provider } from '../mail-settings/domain-settings';
import { DatabaseConnection } from './database-connection.service';
import { DavServerEntity } from './entities/davserver.entity';
import { DomainEntity } from './entities/domain.entity';
import { LdapServerEntity } from './entities/ldapserver.entity';
import { ProviderEntity } from './entities/provider.entity';
import { ServerEntity } from './entities/server.entity';
import { toInteger, type Row } from './row-values';

export interface SnapshotDomain {
  readonly id: number;
  readonly name: string;
  readonly providerId: number;
  readonly ldapserverId: number | null;
}

/** A row of `server_domain` or `davserver_domain`. */
export interface SnapshotLink {
  readonly ownerId: number;
  readonly domainId: number;
}

/** Every row of the seven tables, each table in id (link tables: key) order. */
export interface DatabaseSnapshot {
  readonly providers: readonly Provider[];
  readonly ldapServers: readonly LdapServer[];
  readonly domains: readonly SnapshotDomain[];
  readonly servers: readonly MailServer[];
  readonly davServers: readonly DavServer[];
  readonly serverDomains: readonly SnapshotLink[];
  readonly davServerDomains: readonly SnapshotLink[];
}

const byId = { order: { id: 'ASC' as const } };

/** Reads the whole database for `automx2-nest export`, in one consistent transaction. */
@Injectable()
export class ExportRepository {
  constructor(private readonly connection: DatabaseConnection) {}

  snapshot(): Promise<DatabaseSnapshot> {
    return this.connection.run((dataSource) =>
      consistently(dataSource, async (manager) => ({
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
      })),
    );
  }
}

/** One snapshot even while others write: a repeatable-read transaction where supported. */
function consistently<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  // SQLite transactions are serializable already (and refuse other levels).
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
