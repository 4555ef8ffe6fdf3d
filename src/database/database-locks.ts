import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { QUERY_TIMEOUT_MS } from './data-source-options';
import { engineOf } from './engine';
import { sqliteWriteTransaction } from './sqlite-writes';

/**
 * Database-wide locks that serialise writers across processes and replicas: seed loads,
 * purges and imports under one, schema migrations under another. PostgreSQL: advisory
 * locks of the transaction; MySQL/MariaDB: named locks of the session (GET_LOCK).
 * SQLite serialises writers by itself (sqlite-writes.ts).
 */
export const LOCKS = {
  seed: { key: 4243_0001, name: 'automx2_initdb' },
  migrations: { key: 4243_0002, name: 'automx2_migrate' },
} as const;

export type LockName = keyof typeof LOCKS;

/** MySQL lock wait (seconds), below the query timeout so the wait never outlives it. */
const LOCK_WAIT_SECONDS = Math.max(1, Math.floor(QUERY_TIMEOUT_MS / 1000) - 1);

/**
 * `work` in one transaction that holds `lock` for its duration, so that such
 * transactions (on this or another replica) run one after the other.
 */
export function exclusiveTransaction<T>(
  dataSource: DataSource,
  lock: LockName,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  switch (engineOf(dataSource)) {
    case 'postgres':
      return dataSource.transaction(async (manager) => {
        await pgTransactionLock(manager, lock);
        return work(manager);
      });
    case 'mysql':
      return underMysqlNamedLock(dataSource, lock, (runner) => inTransaction(runner, work));
    case 'sqlite':
      // SQLite: one write transaction at a time, in this process and across processes.
      return sqliteWriteTransaction(dataSource, (runner) => work(runner.manager));
  }
}

/** PostgreSQL: waits (up to the statement timeout) for the lock, held until the transaction ends. */
async function pgTransactionLock(manager: EntityManager, lock: LockName): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [LOCKS[lock].key]);
}

/**
 * MySQL/MariaDB: runs `work` on one connection holding the named lock. GET_LOCK belongs
 * to the session, not to a transaction, so a transaction inside `work` commits (or rolls
 * back) before the lock is released: released before the commit, the next loader could
 * count the rows before they are committed and load a second copy. A lock not obtained
 * within the wait is a 503.
 */
export async function underMysqlNamedLock<T>(
  dataSource: DataSource,
  lock: LockName,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const { name } = LOCKS[lock];
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      name,
      LOCK_WAIT_SECONDS,
    ])) as { acquired?: unknown }[];
    if (Number(rows[0]?.acquired) !== 1) {
      throw new DomainError('BACKEND_UNAVAILABLE', 'Database busy, try again later');
    }
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await runner.release();
  }
}

/** `work` in a transaction of `runner` (MySQL/MariaDB, under a named lock). */
async function inTransaction<T>(
  runner: QueryRunner,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}
