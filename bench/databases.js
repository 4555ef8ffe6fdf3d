'use strict';
/*
 * Throwaway databases for one benchmark run (as test/support/test-databases.ts does):
 * a file SQLite in a temp dir, or a new database on the local PostgreSQL / MariaDB,
 * dropped at the end. Server addresses come from the same TEST_PG_* / TEST_MYSQL_*
 * variables the tests read.
 */
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');

/** @typedef {'sqlite' | 'postgres' | 'mysql'} BenchDialect */

/**
 * @typedef {object} BenchDatabase
 * @property {BenchDialect} dialect
 * @property {string} dbUri          the automx2-style URL for the INI file
 * @property {string} description    for the report, without credentials
 * @property {{ file?: string, pg?: import('pg').ClientConfig, mysql?: object }} connect  driver options
 * @property {() => Promise<void>} drop
 */

const POSTGRES_ADMIN = {
  host: process.env.TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_PG_PORT ?? 5432),
  user: process.env.TEST_PG_USER ?? 'postgres',
  database: 'test',
};

const MYSQL_ADMIN = {
  host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  user: process.env.TEST_MYSQL_USER ?? 'root',
  password: process.env.TEST_MYSQL_PASSWORD ?? '',
  database: 'test',
};

const uniqueName = () =>
  `automx2_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/**
 * @param {BenchDialect} dialect
 * @param {string} tempDir  where the SQLite file goes
 * @returns {Promise<BenchDatabase>}
 */
async function createBenchDatabase(dialect, tempDir) {
  switch (dialect) {
    case 'sqlite': {
      const file = join(tempDir, 'automx2.sqlite');
      return {
        dialect,
        dbUri: `sqlite:///${file}`,
        description: 'SQLite (file in a temp dir)',
        connect: { file },
        drop: () => Promise.resolve(),
      };
    }
    case 'postgres': {
      const { Client } = require('pg');
      const name = uniqueName();
      const admin = new Client(POSTGRES_ADMIN);
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
        const version = await admin.query('SHOW server_version');
        const { host, port, user } = POSTGRES_ADMIN;
        return {
          dialect,
          dbUri: `postgresql+psycopg2://${user}@${host}:${port}/${name}`,
          description: `PostgreSQL ${String(version.rows[0]?.server_version ?? '?').split(' ')[0]} on ${host}:${port}`,
          connect: { pg: { ...POSTGRES_ADMIN, database: name } },
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
      } finally {
        await admin.end();
      }
    }
    case 'mysql': {
      const { createConnection } = require('mysql2/promise');
      const name = uniqueName();
      const admin = await createConnection(MYSQL_ADMIN);
      try {
        await admin.query(
          `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
        );
        const [rows] = await admin.query('SELECT VERSION() AS v');
        const version = Array.isArray(rows) ? String(/** @type {any} */ (rows[0])?.v ?? '?') : '?';
        const { host, port, user, password } = MYSQL_ADMIN;
        const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
        return {
          dialect,
          dbUri: `mysql+pymysql://${auth}@${host}:${port}/${name}?charset=utf8mb4`,
          description: `MariaDB/MySQL ${version} on ${host}:${port}`,
          connect: { mysql: { ...MYSQL_ADMIN, database: name } },
          drop: async () => {
            const connection = await createConnection(MYSQL_ADMIN);
            try {
              await connection.query(`DROP DATABASE IF EXISTS ${name}`);
            } finally {
              await connection.end();
            }
          },
        };
      } finally {
        await admin.end();
      }
    }
    default:
      throw new Error(`unknown database ${String(dialect)}`);
  }
}

module.exports = { createBenchDatabase };
