import type { DataSource, EntityManager } from 'typeorm';
import { engineOf } from './engine';
import { sqliteWriteQueue } from './sqlite-writes';

/**
 * Runs the reads of `work` on one snapshot of committed data, so that what they return
 * belongs together (a domain and its servers, a row and its usage count) even while
 * others write.
 * - PostgreSQL, MySQL/MariaDB: a REPEATABLE READ transaction.
 * - SQLite: a transaction on TypeORM's one connection, taken in turn with this
 *   process's writers (sqlite-writes.ts): started while a writer's transaction is open,
 *   it would read that writer's uncommitted rows.
 */
export function readConsistently<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (engineOf(dataSource) === 'sqlite') {
    return sqliteWriteQueue(dataSource).run(() => dataSource.transaction(work));
  }
  return dataSource.transaction('REPEATABLE READ', work);
}
