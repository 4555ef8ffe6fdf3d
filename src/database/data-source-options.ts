import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseTarget } from '../config/db-uri';
import { ALL_ENTITIES } from './entities/all-entities';

export const MIGRATIONS_TABLE = 'automx2_nest_migrations';
/** Bound for any single statement (milliseconds): a stuck database becomes a 503. */
export const QUERY_TIMEOUT_MS = 4000;
const CONNECT_TIMEOUT_MS = 3000;

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
    extra: { connectionLimit: 10 },
  };
}
