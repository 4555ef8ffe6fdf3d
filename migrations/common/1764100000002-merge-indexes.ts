import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Table, column and name of each index this migration adds. */
const INDEXES = [
  ['provider', 'name', 'ix_provider_name'],
  ['ldapserver', 'name', 'ix_ldapserver_name'],
  ['server', 'name', 'ix_server_name'],
  ['davserver', 'url', 'ix_davserver_url'],
  ['domain', 'ldapserver_id', 'ix_domain_ldapserver_id'],
] as const;

/**
 * Indexes for merges and deletions of domains (`import --merge`, the admin API), which
 * read only the rows a change can touch: providers and LDAP servers by name, servers by
 * name, DAV servers by URL (candidates for reuse), and domains by LDAP server (is it
 * still used?). An index is added only where none starts with the column already (on
 * MySQL/MariaDB a foreign key has one); existing automx2 columns are never changed.
 */
export class MergeIndexes1764100000002 implements MigrationInterface {
  name = 'MergeIndexes1764100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column, name] of INDEXES) {
      await this.ensureIndex(queryRunner, table, column, name);
    }
  }

  /** Drops only the indexes that `up` created (those by its names). */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, , name] of [...INDEXES].reverse()) {
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
