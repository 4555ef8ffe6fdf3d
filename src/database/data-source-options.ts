import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions, Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseTarget } from '../config/db-uri';
import { EchoLogger } from './echo-logger';
import { ALL_ENTITIES } from './entities/all-entities';

export const MIGRATIONS_TABLE = 'automx2_nest_migrations';
/** Bound for any single statement (milliseconds): a stuck database becomes a 503. */
export const QUERY_TIMEOUT_MS = 4000;
const CONNECT_TIMEOUT_MS = 3000;

/** Drops TypeORM's own output (without db_echo it would print only slow queries). */
const SILENT_TYPEORM_LOGGER: TypeOrmLogger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

/** dist/migrations next to the compiled code, or migrations/ at the top of a checkout. */
function migrationsRoot(): string {
  const compiled = join(__dirname, '..', 'migrations');
  return existsSync(compiled) ? compiled : join(__dirname, '..', '..', 'migrations');
}

function migrationGlobs(): string[] {
  const root = migrationsRoot();
  const ext = __filename.endsWith('.ts') ? 'ts' : 'js';
  return [join(root, 'common', `*.${ext}`)];
}

/** One options builder for the HTTP application, the CLI and the tests. */
export function dataSourceOptions(target: DatabaseTarget, logging: boolean): DataSourceOptions {
  const shared = {
    entities: ALL_ENTITIES,
    migrations: migrationGlobs(),
    migrationsTableName: MIGRATIONS_TABLE,
    logging,
    // db_echo: our logger, which never prints parameter values; otherwise nothing.
    logger: logging ? new EchoLogger() : SILENT_TYPEORM_LOGGER,
    synchronize: false,
  };
  if (target.type === 'sqlite') {
    return {
      ...shared,
      type: 'better-sqlite3',
      database: target.database,
      timeout: QUERY_TIMEOUT_MS,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        if (target.database !== ':memory:') db.pragma('journal_mode = WAL');
      },
    };
  }
  const server = {
    host: target.socketPath ?? target.host ?? 'localhost',
    port: target.socketPath ? undefined : target.port,
    username: target.username,
    password: target.password,
    database: target.database,
  };
  if (target.type === 'postgres') {
    return {
      ...shared,
      ...server,
      type: 'postgres',
      ssl: target.ssl,
      connectTimeoutMS: CONNECT_TIMEOUT_MS,
      extra: {
        max: 10,
        statement_timeout: QUERY_TIMEOUT_MS,
        query_timeout: QUERY_TIMEOUT_MS + 500,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      },
    };
  }
  return {
    ...shared,
    type: 'mysql',
    host: target.socketPath ? undefined : server.host,
    port: server.port,
    socketPath: target.socketPath,
    username: server.username,
    password: server.password,
    database: server.database,
    charset: target.charset ?? 'utf8mb4',
    ssl: target.ssl ? {} : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // mysql2 has no statement timeout of its own: TypeORM gives this one to every query
    // (the caller gets an error, the server finishes the statement by itself). TypeORM
    // reports each such query as "slow" to the logger above: silent without db_echo (the
    // failure already reaches the log as a database outage), without values with it.
    enableQueryTimeout: true,
    maxQueryExecutionTime: QUERY_TIMEOUT_MS,
    extra: { connectionLimit: 10 },
  };
}
