import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The seven tables of automx2 2026.2, with its names, types, lengths and nullability.
 * Every table is created only if missing, so a database that automx2 already set up
 * is recorded as migrated and left exactly as it is.
 */
export class Automx2Baseline1764100000000 implements MigrationInterface {
  name = 'Automx2Baseline1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    const varchar = (name: string, length: number, isNullable = false, defaultValue?: string) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
      ...(defaultValue === undefined ? {} : { default: `'${defaultValue}'` }),
    });
    const integer = (name: string, defaultValue?: number) => ({
      name,
      type: 'integer',
      isNullable: false,
      ...(defaultValue === undefined ? {} : { default: String(defaultValue) }),
    });
    const boolean = (name: string) => ({ name, type: 'boolean', isNullable: false });
    const link = (name: string, owner: string) =>
      new Table({
        name,
        columns: [
          { name: `${owner}_id`, type: 'integer', isPrimary: true },
          { name: 'domain_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: [`${owner}_id`],
            referencedTableName: owner,
            referencedColumnNames: ['id'],
          }),
          new TableForeignKey({
            columnNames: ['domain_id'],
            referencedTableName: 'domain',
            referencedColumnNames: ['id'],
          }),
        ],
      });

    const tables = [
      new Table({
        name: 'provider',
        columns: [id, varchar('name', 128), varchar('short_name', 32)],
      }),
      new Table({
        name: 'ldapserver',
        columns: [
          id,
          varchar('name', 128),
          integer('port'),
          boolean('use_ssl'),
          varchar('search_base', 128),
          varchar('search_filter', 128),
          varchar('attr_uid', 32),
          varchar('attr_cn', 32, true),
          varchar('bind_password', 128, true),
          varchar('bind_user', 128, true),
        ],
      }),
      new Table({
        name: 'domain',
        columns: [
          id,
          { ...varchar('name', 128), isUnique: true },
          integer('provider_id'),
          { name: 'ldapserver_id', type: 'integer', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['provider_id'],
            referencedTableName: 'provider',
            referencedColumnNames: ['id'],
          }),
          new TableForeignKey({
            columnNames: ['ldapserver_id'],
            referencedTableName: 'ldapserver',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
      new Table({
        name: 'server',
        columns: [
          id,
          integer('prio', 10),
          varchar('name', 128),
          integer('port'),
          varchar('type', 32),
          varchar('socket_type', 32, false, 'STARTTLS'),
          varchar('user_name', 64, false, '%EMAILADDRESS%'),
          varchar('authentication', 32, false, 'plain'),
        ],
      }),
      new Table({
        name: 'davserver',
        columns: [
          id,
          varchar('url', 128),
          integer('port', 0),
          varchar('type', 32),
          boolean('use_ssl'),
          boolean('domain_required'),
          varchar('user_name', 64, true),
        ],
      }),
      link('server_domain', 'server'),
      link('davserver_domain', 'davserver'),
    ];
    for (const table of tables) {
      await queryRunner.createTable(table, true, true, true);
    }
  }

  async down(): Promise<void> {
    // The baseline is automx2's own schema: never dropped by a migration.
  }
}
