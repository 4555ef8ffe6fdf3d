import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { describeWith } from './services';

export const POSTGRES_ADMIN = {
  host: process.env.TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_PG_PORT ?? 5432),
  user: process.env.TEST_PG_USER ?? 'postgres',
  database: 'test',
};

export const MYSQL_ADMIN = {
  host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  user: process.env.TEST_MYSQL_USER ?? 'root',
  password: process.env.TEST_MYSQL_PASSWORD ?? '',
  database: 'test',
};

export type Dialect = 'sqlite-memory' | 'sqlite-file' | 'postgres' | 'mysql';
export const ALL_DIALECTS: readonly Dialect[] = [
  'sqlite-memory',
  'sqlite-file',
  'postgres',
  'mysql',
];
/** SQLite (file), PostgreSQL and MariaDB: the three engines. */
export const ENGINE_DIALECTS: readonly Dialect[] = ['sqlite-file', 'postgres', 'mysql'];

export interface TestDatabase {
  readonly dialect: Dialect;
  readonly dbUri: string;
  /** Runs SQL directly against the database (for fixtures built by plain SQL). */
  readonly sql: (statement: string) => Promise<unknown>;
  readonly drop: () => Promise<void>;
}

const uniqueName = () => `automx2_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  switch (dialect) {
    case 'sqlite-memory':
      return {
        dialect,
        dbUri: 'sqlite:///:memory:',
        sql: () => Promise.reject(new Error('in-memory database is private to the app')),
        drop: () => Promise.resolve(),
      };
    case 'sqlite-file': {
      const dir = mkdtempSync(join(tmpdir(), 'automx2-test-'));
      const file = join(dir, 'automx2.sqlite');
      return {
        dialect,
        dbUri: `sqlite:///${file}`,
        sql: async (statement) => {
          const Database = (await import('better-sqlite3')).default;
          const db = new Database(file);
          try {
            db.exec(statement);
          } finally {
            db.close();
          }
        },
        drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      };
    }
    case 'postgres':
      return createPostgres();
    case 'mysql':
      return createMysql();
  }
}

async function createPostgres(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new Client(POSTGRES_ADMIN);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const { host, port, user } = POSTGRES_ADMIN;
  return {
    dialect: 'postgres',
    dbUri: `postgresql+psycopg2://${user}@${host}:${port}/${name}`,
    sql: async (statement) => {
      const client = new Client({ ...POSTGRES_ADMIN, database: name });
      await client.connect();
      try {
        return await client.query(statement);
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      const client = new Client(POSTGRES_ADMIN);
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function createMysql(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = await createConnection(MYSQL_ADMIN);
  try {
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  } finally {
    await admin.end();
  }
  const { host, port, user, password } = MYSQL_ADMIN;
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
  return {
    dialect: 'mysql',
    dbUri: `mysql+pymysql://${auth}@${host}:${port}/${name}?charset=utf8mb4`,
    sql: async (statement) => {
      const connection = await createConnection({
        ...MYSQL_ADMIN,
        database: name,
        multipleStatements: true,
      });
      try {
        return await connection.query(statement);
      } finally {
        await connection.end();
      }
    },
    drop: async () => {
      const connection = await createConnection(MYSQL_ADMIN);
      try {
        await connection.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await connection.end();
      }
    },
  };
}

/** `describe` for one dialect: skipped (with a message) when its server is missing. */
export function describeDialect(dialect: Dialect): jest.Describe {
  if (dialect === 'postgres') return describeWith('postgres');
  if (dialect === 'mysql') return describeWith('mysql');
  return describe;
}
