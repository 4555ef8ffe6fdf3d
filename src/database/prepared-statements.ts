import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { engineOf } from './engine';
import type { Row } from './row-values';
import { sqliteStatementRunner } from './sqlite-reads';

/**
 * Runs the statements of one lookup (settings-sql.ts) with their parameters and returns
 * all their rows, read from one snapshot.
 */
export interface StatementRunner {
  (statements: readonly string[], parameters: readonly unknown[]): Promise<Row[]>;
  /** Closes what the runner opened for itself (SQLite: its read connection). */
  close(): void;
}

/** What this module needs of node-postgres' Pool (TypeORM's PostgresDriver.master). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

function isPgPool(value: unknown): value is PgPool {
  return typeof (value as { query?: unknown } | null)?.query === 'function';
}

/** A statement reads one snapshot; two would each read their own. */
function only(statements: readonly string[]): string {
  const [statement] = statements;
  if (statement === undefined || statements.length > 1) {
    throw new Error(`one statement per lookup here, not ${statements.length}`);
  }
  return statement;
}

const closeNothing = () => undefined;

/**
 * On PostgreSQL, the lookup statement runs as a named prepared statement through the
 * driver's pool: each connection parses and plans it once, where TypeORM's `query()`
 * sends it unnamed, to be parsed and planned again on every request (planning is the
 * larger part of a lookup's server time, and it grows with the tables' statistics).
 * node-postgres prepares a name again on a new connection, so a reconnect needs
 * nothing. MySQL/MariaDB: TypeORM's `query()`. SQLite: sqlite-reads.ts.
 */
export function statementRunner(dataSource: DataSource): StatementRunner {
  const viaTypeorm = (statements: readonly string[], parameters: readonly unknown[]) =>
    dataSource.query<Row[]>(only(statements), [...parameters]);
  switch (engineOf(dataSource)) {
    case 'sqlite':
      return sqliteStatementRunner(dataSource);
    case 'mysql':
      return Object.assign(viaTypeorm, { close: closeNothing });
    case 'postgres':
      break;
  }
  const names = new Map<string, string>();
  const run = async (statements: readonly string[], parameters: readonly unknown[]) => {
    const text = only(statements);
    // Read per call: the driver makes a new pool when the connection is set up again.
    const pool = (dataSource.driver as unknown as { master?: unknown }).master;
    if (!isPgPool(pool)) return viaTypeorm(statements, parameters);
    let name = names.get(text);
    if (name === undefined) {
      name = `automx2_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    const result = await pool.query({ name, text, values: [...parameters] });
    return result.rows;
  };
  return Object.assign(run, { close: closeNothing });
}
