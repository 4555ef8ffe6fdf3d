import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the lookups of every request: the link tables by domain, domains by
 * provider and (where the dialect supports expression indexes) the lower-cased domain
 * name. Only adds indexes; existing automx2 columns are never changed.
 */
export class LookupIndexes1764100000001 implements MigrationInterface {
  name = 'LookupIndexes1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.ensureIndex(queryRunner, 'server_domain', 'domain_id', 'ix_server_domain_domain_id');
    await this.ensureIndex(
      queryRunner,
      'davserver_domain',
      'domain_id',
      'ix_davserver_domain_domain_id',
    );
    await this.ensureIndex(queryRunner, 'domain', 'provider_id', 'ix_domain_provider_id');
    const type = queryRunner.connection.options.type;
    if (type === 'postgres' || type === 'better-sqlite3') {
      // MySQL/MariaDB compare with the case-insensitive collation of the unique index.
      await queryRunner.query(
        'CREATE INDEX IF NOT EXISTS ix_domain_name_lower ON domain (lower(name))',
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type;
    if (type === 'postgres' || type === 'better-sqlite3') {
      await queryRunner.query('DROP INDEX IF EXISTS ix_domain_name_lower');
    }
    for (const [table, name] of [
      ['domain', 'ix_domain_provider_id'],
      ['davserver_domain', 'ix_davserver_domain_domain_id'],
      ['server_domain', 'ix_server_domain_domain_id'],
    ] as const) {
      const existing = await queryRunner.getTable(table);
      if (existing?.indices.some((index) => index.name === name)) {
        await queryRunner.dropIndex(table, name);
      }
    }
  }

  private async ensureIndex(
    queryRunner: QueryRunner,
    tableName: string,
    column: string,
    name: string,
  ): Promise<void> {
    const table = await queryRunner.getTable(tableName);
    const covered =
      table?.indices.some((index) => index.columnNames[0] === column) ||
      table?.foreignKeys.some(
        (fk) => queryRunner.connection.options.type === 'mysql' && fk.columnNames[0] === column,
      );
    if (!covered) {
      await queryRunner.createIndex(tableName, new TableIndex({ name, columnNames: [column] }));
    }
  }
}
