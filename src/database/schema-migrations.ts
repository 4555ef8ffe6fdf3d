import { MigrationExecutor, type DataSource, type Migration, type QueryRunner } from 'typeorm';
import { exclusiveTransaction, underMysqlNamedLock } from './database-locks';
import { engineOf } from './engine';
import { sqliteWriteTransaction } from './sqlite-writes';

/**
 * Applies the pending migrations of migrations/, one caller at a time across processes
 * and replicas, so that concurrent first requests (`GET /initdb/` × 10 on an empty
 * database), workers or a CLI `migrate` never create the same table twice. The lock is
 * taken before the migrations table is read:
 * - PostgreSQL: in one transaction under an advisory lock (its DDL is transactional);
 * - MySQL/MariaDB: under a named lock, each migration in a transaction of its own (DDL
 *   commits by itself there);
 * - SQLite: in one IMMEDIATE transaction, after the other writers of the process.
 * Returns the migrations applied.
 */
export function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  switch (engineOf(dataSource)) {
    case 'postgres':
      return exclusiveTransaction(dataSource, 'migrations', (manager) =>
        applyPending(dataSource, manager.queryRunner),
      );
    case 'mysql':
      return underMysqlNamedLock(dataSource, 'migrations', (runner) =>
        applyPending(dataSource, runner),
      );
    case 'sqlite':
      return sqliteWriteTransaction(dataSource, (runner) => applyPending(dataSource, runner));
  }
}

/** TypeORM's own runner of migrations, on `runner` (inside its transaction, if one is open). */
function applyPending(
  dataSource: DataSource,
  runner: QueryRunner | undefined,
): Promise<Migration[]> {
  if (!runner) throw new Error('a transaction without a query runner');
  const executor = new MigrationExecutor(dataSource, runner);
  executor.transaction = 'each';
  return executor.executePendingMigrations();
}
