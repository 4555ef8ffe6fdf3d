import type BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { QUERY_TIMEOUT_MS } from './data-source-options';
import { engineOf } from './engine';
import type { Row } from './row-values';
import { sharedSqlite, sqliteWriteQueue } from './sqlite-writes';

/**
 * One read transaction kept open across awaits, for a read too large to hold in memory
 * at once (a streamed export): every statement sees the snapshot of the first, until
 * `close()`, which must always be called and releases what the session holds.
 */
export interface ReadSession {
  rows(sql: string, parameters: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * - PostgreSQL, MySQL/MariaDB: a REPEATABLE READ transaction on a pooled connection of
 *   its own (returned to the pool by `close()`).
 * - SQLite, a database file: a read-only connection of its own, as lookups use
 *   (sqlite-reads.ts), in a deferred transaction: the shared connection may hold a
 *   writer's uncommitted rows. In WAL mode writers of this or another process carry on
 *   meanwhile.
 * - SQLite in memory (`sqlite:///:memory:`): only the shared connection sees the
 *   database; the session reads a copy of it taken while no transaction was open, so
 *   that writers need not wait for a slow reader.
 */
export async function openReadSession(dataSource: DataSource): Promise<ReadSession> {
  if (engineOf(dataSource) !== 'sqlite') return transactionSession(dataSource);
  const Sqlite = (await import('better-sqlite3')).default;
  const file = dataSource.options.database;
  if (typeof file === 'string' && file !== '' && file !== ':memory:') {
    return sqliteSession(
      new Sqlite(file, { readonly: true, fileMustExist: true, timeout: QUERY_TIMEOUT_MS }),
    );
  }
  return sqliteSession(await committedCopy(dataSource, Sqlite));
}

async function transactionSession(dataSource: DataSource): Promise<ReadSession> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
  } catch (error) {
    await runner.release();
    throw error;
  }
  return {
    rows: (sql, parameters) => runner.query(sql, [...parameters]) as Promise<Row[]>,
    close: async () => {
      try {
        // Nothing was written: ROLLBACK ends the transaction, even one a failed statement aborted.
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    },
  };
}

function sqliteSession(db: Database): ReadSession {
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  try {
    db.exec('BEGIN');
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    rows: (sql, parameters) => Promise.resolve(prepared(sql).all(...parameters) as Row[]),
    close: () => {
      if (db.open) {
        if (db.inTransaction) db.exec('COMMIT');
        db.close();
      }
      return Promise.resolve();
    },
  };
}

/** An in-memory database's committed state, copied while no transaction is open on it. */
async function committedCopy(
  dataSource: DataSource,
  Sqlite: typeof BetterSqlite3,
): Promise<Database> {
  const writes = sqliteWriteQueue(dataSource);
  while (sharedSqlite(dataSource).inTransaction) {
    await (writes.busy ? writes.idle() : new Promise((resolve) => setTimeout(resolve, 1)));
  }
  // Synchronous from the check on: nothing of this process runs in between.
  return new Sqlite(sharedSqlite(dataSource).serialize());
}
