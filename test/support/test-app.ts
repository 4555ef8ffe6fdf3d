import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/bootstrap/create-app';
import { AppLogger } from '../../src/common/app-logger';
import type { AppConfig, HttpAdapterName } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { createTestDatabase, type Dialect, type TestDatabase } from './test-databases';

export interface TestAppOptions {
  readonly dbUri?: string;
  readonly adapter?: HttpAdapterName;
  readonly config?: Partial<AppConfig>;
  /** Environment seen by the configuration loader (LDAP_*, PERMIT_CLEARTEXT_PASSWORDS). */
  readonly env?: NodeJS.ProcessEnv;
  /** Collects log lines (default: dropped). */
  readonly logLines?: string[];
}

export interface TestApp {
  readonly app: INestApplication;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly config: AppConfig;
  readonly close: () => Promise<void>;
}

/** The adapter under test: TEST_HTTP_ADAPTER, else the default. */
export const defaultTestAdapter = (): HttpAdapterName =>
  process.env.TEST_HTTP_ADAPTER === 'express' ? 'express' : 'fastify';

export function testConfig(options: TestAppOptions = {}): AppConfig {
  const env: NodeJS.ProcessEnv = { ...options.env };
  if (options.dbUri) env.AUTOMX2_DB_URI = options.dbUri;
  const { config } = loadConfig({
    locator: { env, home: '/nonexistent', exists: () => false },
  });
  return {
    ...config,
    host: '127.0.0.1',
    port: 0,
    httpAdapter: options.adapter ?? defaultTestAdapter(),
    ...options.config,
  };
}

/** The real application on a real loopback socket. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(options);
  const lines = options.logLines;
  // TEST_LOG=1 shows the application's log lines on stderr (debugging a failing test).
  const echo = process.env.TEST_LOG === '1';
  const logger = new AppLogger(config.loglevel, config.logFormat, (line) => {
    lines?.push(line);
    if (echo) process.stderr.write(line);
  });
  const app = await createApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as import('node:http').Server).address();
  if (!address || typeof address === 'string') throw new Error('no listening address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    close: () => app.close(),
  };
}

/**
 * A fresh database of `dialect` with the application on it, for the enclosing
 * `describe`: created in beforeAll, closed and dropped in afterAll. Read `.app` and
 * `.db` inside tests and hooks.
 */
export function useAppOnDatabase(
  dialect: Dialect,
  options: Omit<TestAppOptions, 'dbUri'> = {},
): { readonly app: TestApp; readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    app = await startTestApp({ ...options, dbUri: db.dbUri });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not set up yet (use it inside tests)`);
    return value;
  };
  return {
    get app() {
      return started(app, 'the application');
    },
    get db() {
      return started(db, 'the database');
    },
  };
}
