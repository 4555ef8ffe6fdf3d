import type { Database } from 'better-sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';
import { QUERY_TIMEOUT_MS } from './data-source-options';

/**
 * Write transactions on SQLite.
 *
 * TypeORM's better-sqlite3 driver has one connection and one query runner per
 * DataSource: a second transaction started while one is open becomes a savepoint
 * inside it, and every query of the process runs inside whatever transaction is open.
 * So writers of one process take turns (an in-process queue), and lookups do not use
 * that connection for database files (sqlite-reads.ts).
 *
 * Between processes (`workers`, the CLI), each write transaction begins IMMEDIATE:
 * TypeORM begins DEFERRED, and a deferred transaction that has read cannot wait for
 * another process's writer (SQLite answers SQLITE_BUSY at once, whatever the busy
 * timeout). The write lock is asked for without blocking the event loop, again every
 * few milliseconds, for up to the statement timeout; then the SQLITE_BUSY error goes
 * to the caller (503).
 */

const RETRY_MS = 5;

/** One writer at a time per DataSource; `idle()` waits until none is running. */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  get busy(): boolean {
    return this.running > 0;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    const result = this.tail.then(work);
    const done = () => {
      this.running -= 1;
    };
    this.tail = result.then(done, done);
    return result;
  }

  /** Resolves once every writer queued so far has finished. */
  async idle(): Promise<void> {
    while (this.running > 0) await this.tail;
  }
}

const queues = new WeakMap<DataSource, WriteQueue>();

export function sqliteWriteQueue(dataSource: DataSource): WriteQueue {
  let queue = queues.get(dataSource);
  if (!queue) {
    queue = new WriteQueue();
    queues.set(dataSource, queue);
  }
  return queue;
}

/** The better-sqlite3 connection TypeORM opened for `dataSource`. */
export function sharedSqlite(dataSource: DataSource): Database {
  const connection = (dataSource.driver as { databaseConnection?: unknown }).databaseConnection;
  if (!isSqlite(connection)) throw new Error('the SQLite connection is not open');
  return connection;
}

function isSqlite(value: unknown): value is Database {
  return typeof (value as { exec?: unknown } | null)?.exec === 'function';
}

/**
 * Runs `work` in an IMMEDIATE transaction on the shared connection, after the writers
 * of this process that came before it. `work` gets the connection's query runner,
 * which TypeORM then treats as inside a transaction (its saves open none of their own).
 */
export function sqliteWriteTransaction<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  return sqliteWriteQueue(dataSource).run(async () => {
    const db = sharedSqlite(dataSource);
    const runner = dataSource.createQueryRunner();
    await beginImmediate(db);
    const state = runner as { isTransactionActive: boolean };
    state.isTransactionActive = true;
    try {
      const result = await work(runner);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    } finally {
      state.isTransactionActive = false;
      await runner.release(); // as TypeORM's own transactions do (drops cached table info)
    }
  });
}

async function beginImmediate(db: Database): Promise<void> {
  const deadline = performance.now() + QUERY_TIMEOUT_MS;
  for (;;) {
    try {
      withoutBusyWait(db, () => db.exec('BEGIN IMMEDIATE'));
      return;
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** Runs `action` with the busy timeout off: SQLite would wait synchronously. */
function withoutBusyWait(db: Database, action: () => void): void {
  const timeout = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    action();
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
