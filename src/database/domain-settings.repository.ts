import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type {
  DavServer,
  DomainSettings,
  LdapServer,
  MailServer,
} from '../mail-settings/domain-settings';
import { DatabaseConnection } from './database-connection.service';
import { classifyDatabaseError } from './database-errors';
import { toBoolean, toInteger, toNullableString, toText, type Row } from './row-values';

/**
 * Reads everything one request needs about a domain in four statements (the domain
 * with its provider and LDAP server, then the provider's domains, the mail servers and
 * the DAV servers in parallel), whatever the number of servers.
 */
@Injectable()
export class DomainSettingsRepository {
  constructor(private readonly connection: DatabaseConnection) {}

  /**
   * @param names lower-cased candidate spellings of one domain (e.g. its Unicode and
   *   punycode forms); the row with the lowest id among them wins.
   */
  async findDomainWithServers(names: readonly string[]): Promise<DomainSettings | null> {
    if (names.length === 0) return null;
    try {
      return await this.connection.run((dataSource) => this.query(dataSource, names));
    } catch (error) {
      // Tables not created yet (before /initdb/): every domain is unknown.
      if (classifyDatabaseError(error) === 'missing-table') return null;
      throw error;
    }
  }

  private async query(
    dataSource: DataSource,
    names: readonly string[],
  ): Promise<DomainSettings | null> {
    const nameColumn = dataSource.options.type === 'mysql' ? 'd.name' : 'lower(d.name)';
    const domain = await dataSource
      .createQueryBuilder()
      .select([
        'd.id AS d_id',
        'd.name AS d_name',
        'p.id AS p_id',
        'p.name AS p_name',
        'p.short_name AS p_short_name',
        'l.id AS l_id',
        'l.name AS l_name',
        'l.port AS l_port',
        'l.use_ssl AS l_use_ssl',
        'l.search_base AS l_search_base',
        'l.search_filter AS l_search_filter',
        'l.attr_uid AS l_attr_uid',
        'l.attr_cn AS l_attr_cn',
        'l.bind_password AS l_bind_password',
        'l.bind_user AS l_bind_user',
      ])
      .from('domain', 'd')
      .innerJoin('provider', 'p', 'p.id = d.provider_id')
      .leftJoin('ldapserver', 'l', 'l.id = d.ldapserver_id')
      .where(`${nameColumn} IN (:...names)`, { names })
      .orderBy('d.id', 'ASC')
      .limit(1)
      .getRawOne<Row>();
    if (!domain) return null;
    const domainId = toInteger(domain.d_id);
    const providerId = toInteger(domain.p_id);
    const [providerDomains, servers, davServers] = await Promise.all([
      this.providerDomains(dataSource, providerId),
      this.mailServers(dataSource, domainId),
      this.davServers(dataSource, domainId),
    ]);
    return {
      domainId,
      domainName: toText(domain.d_name),
      provider: {
        id: providerId,
        name: toText(domain.p_name),
        shortName: toText(domain.p_short_name),
      },
      providerDomains,
      servers,
      davServers,
      ldapServer: domain.l_id == null ? null : toLdapServer(domain),
    };
  }

  private async providerDomains(dataSource: DataSource, providerId: number): Promise<string[]> {
    const rows = await dataSource
      .createQueryBuilder()
      .select('d.name', 'name')
      .from('domain', 'd')
      .where('d.provider_id = :providerId', { providerId })
      .orderBy('d.id', 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => toText(row.name));
  }

  private async mailServers(dataSource: DataSource, domainId: number): Promise<MailServer[]> {
    const rows = await dataSource
      .createQueryBuilder()
      .select([
        's.id AS id',
        's.prio AS prio',
        's.name AS name',
        's.port AS port',
        's.type AS type',
        's.socket_type AS socket_type',
        's.user_name AS user_name',
        's.authentication AS authentication',
      ])
      .from('server', 's')
      .innerJoin('server_domain', 'sd', 'sd.server_id = s.id')
      .where('sd.domain_id = :domainId', { domainId })
      .orderBy('s.prio', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => ({
      id: toInteger(row.id),
      prio: toInteger(row.prio),
      name: toText(row.name),
      port: toInteger(row.port),
      type: toText(row.type),
      socketType: toText(row.socket_type),
      userName: toText(row.user_name),
      authentication: toText(row.authentication),
    }));
  }

  private async davServers(dataSource: DataSource, domainId: number): Promise<DavServer[]> {
    const rows = await dataSource
      .createQueryBuilder()
      .select([
        'v.id AS id',
        'v.url AS url',
        'v.port AS port',
        'v.type AS type',
        'v.use_ssl AS use_ssl',
        'v.domain_required AS domain_required',
        'v.user_name AS user_name',
      ])
      .from('davserver', 'v')
      .innerJoin('davserver_domain', 'vd', 'vd.davserver_id = v.id')
      .where('vd.domain_id = :domainId', { domainId })
      .orderBy('v.id', 'ASC')
      .getRawMany<Row>();
    return rows.map((row) => ({
      id: toInteger(row.id),
      url: toText(row.url),
      port: toInteger(row.port),
      type: toText(row.type),
      useSsl: toBoolean(row.use_ssl),
      domainRequired: toBoolean(row.domain_required),
      userName: toNullableString(row.user_name),
    }));
  }
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
