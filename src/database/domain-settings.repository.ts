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
import { statementRunner, type StatementRunner } from './prepared-statements';
import { settingsSql, type SettingsSql } from './settings-sql';

/**
 * Reads everything one request needs about a domain in four statements (the domain
 * with its provider and LDAP server, then the provider's domains, the mail servers and
 * the DAV servers in parallel), whatever the number of servers.
 */
@Injectable()
export class DomainSettingsRepository {
  private sql: SettingsSql | null = null;
  private run: StatementRunner | null = null;

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

  private sqlFor(dataSource: DataSource): SettingsSql {
    if (this.sql === null) {
      const type = dataSource.options.type;
      this.sql = settingsSql(
        type === 'postgres' ? 'postgres' : type === 'mysql' ? 'mysql' : 'sqlite',
      );
    }
    return this.sql;
  }

  private async query(
    dataSource: DataSource,
    names: readonly string[],
  ): Promise<DomainSettings | null> {
    const sql = this.sqlFor(dataSource);
    const rows = (this.run ??= statementRunner(dataSource));
    const candidates = names.slice(0, sql.domainByNames.length);
    const statement = sql.domainByNames[candidates.length - 1] ?? '';
    const [domain] = await rows(statement, candidates);
    if (!domain) return null;
    const domainId = toInteger(domain.d_id);
    const providerId = toInteger(domain.p_id);
    const [providerDomains, servers, davServers] = await Promise.all([
      rows(sql.providerDomains, [providerId]),
      rows(sql.mailServers, [domainId]),
      rows(sql.davServers, [domainId]),
    ]);
    return {
      domainId,
      domainName: toText(domain.d_name),
      provider: {
        id: providerId,
        name: toText(domain.p_name),
        shortName: toText(domain.p_short_name),
      },
      providerDomains: providerDomains.map((row) => toText(row.name)),
      servers: servers.map(toMailServer),
      davServers: davServers.map(toDavServer),
      ldapServer: domain.l_id == null ? null : toLdapServer(domain),
    };
  }
}

function toMailServer(row: Row): MailServer {
  return {
    id: toInteger(row.id),
    prio: toInteger(row.prio),
    name: toText(row.name),
    port: toInteger(row.port),
    type: toText(row.type),
    socketType: toText(row.socket_type),
    userName: toText(row.user_name),
    authentication: toText(row.authentication),
  };
}

function toDavServer(row: Row): DavServer {
  return {
    id: toInteger(row.id),
    url: toText(row.url),
    port: toInteger(row.port),
    type: toText(row.type),
    useSsl: toBoolean(row.use_ssl),
    domainRequired: toBoolean(row.domain_required),
    userName: toNullableString(row.user_name),
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
