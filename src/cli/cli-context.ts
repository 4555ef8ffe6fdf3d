import type { Logger as TypeOrmLogger } from 'typeorm';
import { ConfigProblems, loadConfig, type LoadedConfig } from '../config/load-config';
import type { DatabaseConnection } from '../database/database-connection.service';
import { EXIT_CONFIG_ERROR } from './cli.errors';

/**
 * The configuration every command reads (INI file, AUTOMX2_DB_URI). On problems: one
 * line each on stderr, exit code 2, and null.
 */
export function loadCliConfig(): LoadedConfig | null {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exitCode = EXIT_CONFIG_ERROR;
    return null;
  }
}

/**
 * Opens the configured database for one command and closes it afterwards. Log lines
 * (Nest's and, with `db_echo`, the SQL) go to stderr so that stdout stays clean. The
 * database code is loaded only here, so that usage and configuration errors are quick.
 */
export async function withDatabase<T>(
  loaded: LoadedConfig,
  work: (connection: DatabaseConnection) => Promise<T>,
): Promise<T> {
  const { config } = loaded;
  const [{ Logger }, { DataSource }, { AppLogger }, { dataSourceOptions }, { DatabaseConnection }] =
    await Promise.all([
      import('@nestjs/common'),
      import('typeorm'),
      import('../common/app-logger'),
      import('../database/data-source-options'),
      import('../database/database-connection.service'),
    ]);
  Logger.overrideLogger(new AppLogger(config.loglevel, config.logFormat));
  const dataSource = new DataSource({
    ...dataSourceOptions(config.database, config.dbEcho),
    ...(config.dbEcho ? { logger: new StderrSqlLogger() } : {}),
  });
  await dataSource.initialize();
  try {
    return await work(new DatabaseConnection(dataSource));
  } finally {
    await dataSource.destroy();
  }
}

/** `db_echo` for the CLI: statements (never their parameters, which may be secrets). */
class StderrSqlLogger implements TypeOrmLogger {
  logQuery(query: string): void {
    process.stderr.write(`sql: ${query}\n`);
  }
  logQueryError(error: string | Error, query: string): void {
    process.stderr.write(`sql failed: ${query}: ${String(error)}\n`);
  }
  logQuerySlow(time: number, query: string): void {
    process.stderr.write(`sql slow (${time} ms): ${query}\n`);
  }
  logSchemaBuild(message: string): void {
    process.stderr.write(`schema: ${message}\n`);
  }
  logMigration(message: string): void {
    process.stderr.write(`migration: ${message}\n`);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    process.stderr.write(`${level}: ${String(message)}\n`);
  }
}
