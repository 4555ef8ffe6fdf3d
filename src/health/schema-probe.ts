import type { DataSource } from 'typeorm';
import { engineOf, type Engine } from '../database/engine';

/** Why an instance without automx2's tables is not ready, and what to do about it. */
export const SCHEMA_MISSING = 'database schema missing: run `automx2-nest migrate` or GET /initdb/';

/**
 * Whether the table every lookup starts from exists, in one catalog query that never
 * fails for its absence (a failing statement per probe would fill the server's log).
 * It is created by `migrate`, `import` and `/initdb/`, with the other six.
 */
const PRESENCE_SQL: Readonly<Record<Engine, string>> = {
  postgres: "SELECT to_regclass('provider') IS NOT NULL AS present",
  mysql:
    'SELECT COUNT(*) AS present FROM information_schema.tables ' +
    "WHERE table_schema = DATABASE() AND table_name = 'provider'",
  sqlite:
    "SELECT COUNT(*) AS present FROM sqlite_master WHERE type = 'table' AND name = 'provider'",
};

/**
 * True when automx2's tables exist. One statement, which also shows that the database
 * answers: readiness and `check-config` use it.
 */
export async function schemaPresent(dataSource: DataSource): Promise<boolean> {
  const rows = await dataSource.query<{ present: unknown }[]>(PRESENCE_SQL[engineOf(dataSource)]);
  const present = rows[0]?.present;
  // PostgreSQL: a boolean; MySQL/MariaDB and SQLite: a count (a string for a big integer).
  return present === true || Number(present) > 0;
}
