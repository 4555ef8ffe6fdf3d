import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Row } from './row-values';

/** Runs one of the fixed per-request statements with its parameters. */
export type StatementRunner = (sql: string, parameters: readonly unknown[]) => Promise<Row[]>;

/** What this module needs of node-postgres' Pool (TypeORM's PostgresDriver.master). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

function isPgPool(value: unknown): value is PgPool {
  return typeof (value as { query?: unknown } | null)?.query === 'function';
}

/**
 * On PostgreSQL, the lookup statements run as named prepared statements through the
 * driver's pool: each connection parses and plans a statement once, where TypeORM's
 * `query()` sends it unnamed, to be parsed and planned again on every request
 * (planning is the larger part of a lookup's server time, and it grows with the
 * tables' statistics). node-postgres prepares a name again on a new connection, so a
 * reconnect needs nothing. Elsewhere: TypeORM's `query()` (better-sqlite3 caches its
 * prepared statements itself).
 */
export function statementRunner(dataSource: DataSource): StatementRunner {
  const viaTypeorm: StatementRunner = (sql, parameters) =>
    dataSource.query<Row[]>(sql, [...parameters]);
  if (dataSource.options.type !== 'postgres') return viaTypeorm;
  const names = new Map<string, string>();
  return async (sql, parameters) => {
    // Read per call: the driver makes a new pool when the connection is set up again.
    const pool = (dataSource.driver as unknown as { master?: unknown }).master;
    if (!isPgPool(pool)) return viaTypeorm(sql, parameters);
    let name = names.get(sql);
    if (name === undefined) {
      name = `automx2_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    const result = await pool.query({ name, text: sql, values: [...parameters] });
    return result.rows;
  };
}
