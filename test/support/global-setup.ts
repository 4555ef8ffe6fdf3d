import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { SERVICE_HINTS, type ServiceName } from './services';
import { MYSQL_ADMIN, POSTGRES_ADMIN } from './test-databases';

async function probePostgres(): Promise<boolean> {
  const client = new Client({ ...POSTGRES_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeMysql(): Promise<boolean> {
  const connection = await createConnection({ ...MYSQL_ADMIN, connectTimeout: 3000 });
  try {
    await connection.query('SELECT 1');
    return true;
  } finally {
    await connection.end().catch(() => undefined);
  }
}

const PROBES: Record<ServiceName, () => Promise<boolean>> = {
  postgres: probePostgres,
  mysql: probeMysql,
  slapd: () =>
    Promise.resolve(
      ['/usr/sbin/slapd', '/usr/bin/ldapsearch', '/usr/bin/openssl'].every((path) =>
        existsSync(path),
      ),
    ),
  nginx: () => Promise.resolve(existsSync('/usr/sbin/nginx')),
  chromium: () => Promise.resolve(existsSync('/usr/bin/chromium')),
  dovecot: () => Promise.resolve(existsSync('/usr/sbin/dovecot')),
};

/** Builds the web console into dist/console, which the app serves at /admin/ (esbuild: fast). */
function buildConsole(): void {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-console.js')], {
    cwd: root,
    stdio: 'inherit',
    timeout: 120_000,
  });
}

export default async function globalSetup(): Promise<void> {
  buildConsole();
  const available: ServiceName[] = [];
  const missing: ServiceName[] = [];
  for (const [name, probe] of Object.entries(PROBES) as [ServiceName, () => Promise<boolean>][]) {
    const ok = await probe().catch(() => false);
    (ok ? available : missing).push(name);
  }
  process.env.AUTOMX2_TEST_SERVICES = available.join(',');
  if (missing.length > 0 && process.env.TEST_REQUIRE_SERVICES === '1') {
    throw new Error(
      `TEST_REQUIRE_SERVICES=1 but missing: ${missing
        .map((name) => `${name} (${SERVICE_HINTS[name]})`)
        .join('; ')}`,
    );
  }
  for (const name of missing) {
    process.stderr.write(`\nSKIPPING suites that need ${name}: ${SERVICE_HINTS[name]}\n`);
  }
}
