import { Injectable, Logger } from '@nestjs/common';
import { DatabaseConnection } from './database-connection.service';
import { runMigrationsExclusively } from './schema-migrations';

/** Creates or upgrades the schema with the migrations of migrations/. */
@Injectable()
export class SchemaService {
  private readonly logger = new Logger('Schema');

  constructor(private readonly connection: DatabaseConnection) {}

  /** Whether automx2's tables exist (false before the first /initdb/ or migrate). */
  async hasTables(): Promise<boolean> {
    return this.connection.run(async (dataSource) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await runner.hasTable('provider');
      } finally {
        await runner.release();
      }
    });
  }

  /**
   * Applies pending migrations, one caller at a time across processes and replicas
   * (schema-migrations.ts); returns the names of those applied.
   */
  async migrate(): Promise<string[]> {
    return this.connection.run(async (dataSource) => {
      const applied = await runMigrationsExclusively(dataSource);
      for (const migration of applied) this.logger.log(`applied migration ${migration.name}`);
      return applied.map((migration) => migration.name);
    });
  }
}
