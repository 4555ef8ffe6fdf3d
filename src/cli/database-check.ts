import { existsSync } from 'node:fs';
import type { AppConfig } from '../config/app-config';
import { isInMemorySqlite, redactDbUri } from '../config/db-uri';
import { SCHEMA_MISSING, schemaPresent } from '../health/schema-probe';
import { withDatabase } from './cli-context';

/** What `check-config` found out about the database: a line for stdout, or a problem. */
export interface DatabaseCheck {
  readonly ok: boolean;
  readonly line: string;
}

/**
 * Connects to the configured database and sees whether automx2's tables exist, with
 * the statement readiness uses (health/schema-probe.ts). An in-memory SQLite database
 * is empty at every start: there is nothing to check in it; a SQLite file that does not
 * exist is reported without creating it.
 */
export async function checkDatabase(config: AppConfig): Promise<DatabaseCheck> {
  const name = `database ${redactDbUri(config.dbUri)}`;
  const target = config.database;
  if (isInMemorySqlite(target)) {
    return { ok: true, line: `${name}: in memory, empty at every start (GET /initdb/ loads it)` };
  }
  // Opening it would create it: a check leaves no file behind.
  if (target.type === 'sqlite' && !existsSync(target.database)) {
    return { ok: false, line: `${name}: no such file (the server would create it, empty)` };
  }
  try {
    const present = await withDatabase({ config, warnings: [] }, ({ dataSource }) =>
      schemaPresent(dataSource),
    );
    return present
      ? { ok: true, line: `${name}: reachable, schema present` }
      : { ok: false, line: `${name}: reachable, but ${SCHEMA_MISSING}` };
  } catch (error) {
    return {
      ok: false,
      line: `${name}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
