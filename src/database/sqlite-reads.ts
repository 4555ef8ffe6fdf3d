import type BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { QUERY_TIMEOUT_MS } from './data-source-options';
import type { StatementRunner } from './prepared-statements';
import type { Row } from './row-values';
import { sharedSqlite, sqliteWriteQueue } from './sqlite-writes';

/**
 * Lookups on SQLite. The statements of a lookup run synchronously, one after the other,
 * inside one read transaction: one snapshot, and nothing of this process runs between
 * them.
 *
 * - A database file: on a read-only connection of the runner's own. The connection
 *   TypeORM opened is shared by every query of the process, a writer's transaction
 *   included (sqlite-writes.ts), so a lookup there could read rows that the writer has
 *   not committed. The own connection reads the last committed state; in WAL mode it
 *   never waits for a writer, of this process or another.
 * - In memory (`sqlite:///:memory:`): only the shared connection sees the database, so
 *   a lookup waits until no transaction is open on it.
 */
export function sqliteStatementRunner(dataSource: DataSource): StatementRunner {
  const file = dataSource.options.database;
  return typeof file === 'string' && file !== '' && file !== ':memory:'
    ? readConnectionRunner(file)
    : sharedConnectionRunner(dataSource);
}

let sqliteModule: Promise<typeof BetterSqlite3> | null = null;

function readConnectionRunner(file: string): StatementRunner {
  let db: Database | null = null;
  let cache = new Map<string, Statement>();
  const run = async (sql: readonly string[], parameters: readonly unknown[]): Promise<Row[]> => {
    const Sqlite = await (sqliteModule ??= import('better-sqlite3').then((m) => m.default));
    db ??= new Sqlite(file, { readonly: true, fileMustExist: true, timeout: QUERY_TIMEOUT_MS });
    return readTogether(db, cache, sql, parameters);
  };
  return Object.assign(run, {
    close: () => {
      db?.close();
      db = null;
      cache = new Map();
    },
  });
}

function sharedConnectionRunner(dataSource: DataSource): StatementRunner {
  const caches = new WeakMap<Database, Map<string, Statement>>();
  const run = async (sql: readonly string[], parameters: readonly unknown[]): Promise<Row[]> => {
    const writes = sqliteWriteQueue(dataSource);
    while (sharedSqlite(dataSource).inTransaction) {
      await (writes.busy ? writes.idle() : new Promise((resolve) => setTimeout(resolve, 1)));
    }
    const db = sharedSqlite(dataSource);
    let cache = caches.get(db);
    if (!cache) {
      cache = new Map();
      caches.set(db, cache);
    }
    return readTogether(db, cache, sql, parameters);
  };
  return Object.assign(run, { close: () => undefined });
}

/** The rows of every statement, read in one transaction (synchronously). */
function readTogether(
  db: Database,
  cache: Map<string, Statement>,
  sql: readonly string[],
  parameters: readonly unknown[],
): Row[] {
  const prepared = (text: string) => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  const statements = sql.map(prepared);
  const begin = prepared('BEGIN');
  const commit = prepared('COMMIT');
  begin.run();
  try {
    return statements.flatMap((statement) => statement.all(...parameters) as Row[]);
  } finally {
    commit.run();
  }
}
