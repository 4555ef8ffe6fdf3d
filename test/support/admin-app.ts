/**
 * The real application with the admin API switched on, on a fresh database of one
 * dialect: a tokens file in a temporary directory holding one token (made with the
 * token CLI's own code), the schema created, and an AdminClient carrying that token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../../src/admin/auth/token-file';
import type { AdminConfig, AppConfig } from '../../src/config/app-config';
import { AdminClient } from './admin-client';
import { startTestApp, type TestApp } from './test-app';
import { createTestDatabase, type Dialect, type TestDatabase } from './test-databases';

export interface AdminAppOptions {
  /** `admin_import_limit` and `admin_auth_failures` (defaults: 4 MiB and 1000). */
  readonly admin?: Partial<Omit<AdminConfig, 'tokensFile'>>;
  /** Other configuration (loglevel, logFormat, bodyLimit, proxyCount, ...). */
  readonly config?: Partial<AppConfig>;
  /** Collects the application's log lines. */
  readonly logLines?: string[];
  /** The name of the token the client carries (default `ops`). */
  readonly tokenName?: string;
  /** A database to use instead of a fresh one (the caller drops it). */
  readonly database?: TestDatabase;
}

export interface AdminTestApp {
  readonly app: TestApp;
  readonly db: TestDatabase;
  /** A client carrying the token. */
  readonly client: AdminClient;
  readonly token: string;
  readonly tokenName: string;
  readonly tokensFile: string;
  /** The temporary directory of the tokens file (free for other files of the test). */
  readonly dir: string;
  readonly close: () => Promise<void>;
}

/**
 * Starts the application with the admin API on a fresh database of `dialect` (or on
 * `options.database`), its tables created.
 */
export async function startAdminApp(
  dialect: Dialect,
  options: AdminAppOptions = {},
): Promise<AdminTestApp> {
  const db = options.database ?? (await createTestDatabase(dialect));
  const dir = mkdtempSync(join(tmpdir(), 'automx2-admin-'));
  const cleanUp = async () => {
    if (options.database === undefined) await db.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tokensFile = join(dir, 'admin-tokens');
    const tokenName = options.tokenName ?? 'ops';
    const token = await createToken(tokensFile, tokenName);
    const app = await startTestApp({
      dbUri: db.dbUri,
      config: {
        ...options.config,
        admin: {
          tokensFile,
          importLimit: options.admin?.importLimit ?? 4 * 1024 * 1024,
          authFailures: options.admin?.authFailures ?? 1000,
        },
      },
      ...(options.logLines && { logLines: options.logLines }),
    });
    try {
      await createSchema(app.url);
    } catch (error) {
      await app.close();
      throw error;
    }
    return {
      app,
      db,
      client: new AdminClient(app.url, token),
      token,
      tokenName,
      tokensFile,
      dir,
      close: async () => {
        await app.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * An admin application for the enclosing `describe`: started in beforeAll, closed (and
 * its database dropped) in afterAll. Read `.current` inside tests and hooks.
 */
export function useAdminApp(
  dialect: Dialect,
  options: AdminAppOptions = {},
): { readonly current: AdminTestApp } {
  let started: AdminTestApp | undefined;
  beforeAll(async () => {
    started = await startAdminApp(dialect, options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get current(): AdminTestApp {
      if (started === undefined) throw new Error('the admin application is not started yet');
      return started;
    },
  };
}

/** Creates the tables as an administrator would: GET /initdb/ (sample data), then DELETE. */
async function createSchema(baseUrl: string): Promise<void> {
  for (const method of ['GET', 'DELETE']) {
    const status = await plainRequest(baseUrl, method, '/initdb/');
    if (status !== 200) throw new Error(`${method} /initdb/ answered ${status}`);
  }
}

function plainRequest(baseUrl: string, method: string, path: string): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { Host: 'localhost' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}
