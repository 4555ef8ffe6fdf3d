import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DomainSettings } from '../mail-settings/domain-settings';
import { DatabaseConnection } from './database-connection.service';
import { classifyDatabaseError } from './database-errors';
import { engineOf } from './engine';
import { statementRunner, type StatementRunner } from './prepared-statements';
import { settingsFromRows } from './settings-rows';
import { settingsSql, type SettingsSql } from './settings-sql';

/**
 * Reads everything one request needs about a domain (the domain with its provider and
 * LDAP server, the provider's domains, the mail servers and the DAV servers) from one
 * snapshot, even while data changes: one statement, or on SQLite four in one read
 * transaction (settings-sql.ts), whatever the number of servers.
 */
@Injectable()
export class DomainSettingsRepository implements OnApplicationShutdown {
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

  onApplicationShutdown(): void {
    this.run?.close();
    this.run = null;
  }

  private sqlFor(dataSource: DataSource): SettingsSql {
    return (this.sql ??= settingsSql(engineOf(dataSource)));
  }

  private async query(
    dataSource: DataSource,
    names: readonly string[],
  ): Promise<DomainSettings | null> {
    const { lookup } = this.sqlFor(dataSource);
    const rows = (this.run ??= statementRunner(dataSource));
    const candidates = names.slice(0, lookup.length);
    const sql = lookup[candidates.length - 1];
    if (!sql) return null;
    return settingsFromRows(await rows(sql.statements, sql.parameters(candidates)));
  }
}
