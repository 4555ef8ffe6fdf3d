import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { parseDbUri } from '../../src/config/db-uri';
import { DataChanges } from '../../src/database/data-changes';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseConnection } from '../../src/database/database-connection.service';
import { SeedRepository } from '../../src/database/seed.repository';
import type { DoctorReport } from '../../src/doctor/doctor-report';
import { samplePlan } from '../../src/initdb/sample-data';
import { firstPassOnly } from '../support/adapter-pass';
import { emptyConfigFile } from '../support/config-file';
import { DIST_CLI, ensureBuilt } from '../support/dist';
import { BROKEN_RULES, startDoctorZone, type DoctorZone } from '../support/doctor-zone';
import { runNode, type Finished } from '../support/run-node';
import { describeWith } from '../support/services';

/**
 * `automx2-nest doctor` as shipped (`node dist/cli.js`), on SQLite files: the sample
 * data of GET /initdb/ (example.org has POP only, which K-9 cannot use), the finding
 * gone once the data is fixed, text and JSON output, exit codes; and `--live` against the
 * test zone (a DNS server on loopback, local TLS listeners, Dovecot). Nothing here
 * depends on the HTTP adapter: the Express pass of `npm test` skips the file.
 */

const describeOnce = firstPassOnly();
const describeLive = firstPassOnly(describeWith('dovecot'));

/** Generous bound for a run with live checks (each network call has its own timeout). */
const LIVE_TIMEOUT_MS = 120_000;

interface DoctorJson {
  readonly domains: readonly DoctorReport[];
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
  readonly unknown: readonly string[];
}

let home: string;
let emptyConf: string;

/** Runs the CLI with the configuration file `conf` and the database `dbUri`. */
function cli(dbUri: string, args: readonly string[], conf = emptyConf): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { HOME: home, AUTOMX2_CONF: conf, AUTOMX2_DB_URI: dbUri };
  return runNode(DIST_CLI, args, { cwd: home, env });
}

/** A configuration file with these [automx2] keys. */
function conf(name: string, keys: Readonly<Record<string, string>>): string {
  const path = join(home, name);
  const lines = Object.entries(keys).map(([key, value]) => `${key} = ${value}`);
  writeFileSync(path, `[automx2]\n${lines.join('\n')}\n`);
  return path;
}

/** `--json`'s document; fails with everything printed when stdout is not one. */
function parsed(result: Finished): DoctorJson {
  try {
    return JSON.parse(result.stdout) as DoctorJson;
  } catch {
    throw new Error(`not JSON (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
}

const rulesOf = (report: DoctorReport | undefined) =>
  (report?.findings ?? []).map((finding) => finding.rule);

/** A SQLite file with the schema, opened by the test (setup and fixes, not under test). */
async function sqliteFile(name: string): Promise<{ dbUri: string; dataSource: DataSource }> {
  const dbUri = `sqlite:///${join(home, name)}`;
  const dataSource = new DataSource(dataSourceOptions(parseDbUri(dbUri), false));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return { dbUri, dataSource };
}

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'automx2-doctor-cli-'));
  emptyConf = emptyConfigFile(home);
}, 200_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describeOnce('automx2-nest doctor', () => {
  let dbUri: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ dbUri, dataSource } = await sqliteFile('sample.sqlite'));
    const seeds = new SeedRepository(new DatabaseConnection(dataSource), new DataChanges());
    await seeds.replaceAll(samplePlan(null));
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('tells that K-9 cannot use the POP-only example.org, and exits 1', async () => {
    const result = await cli(dbUri, ['doctor', 'example.org']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^example\.org: [1-9]\d* errors?, \d+ warnings?, \d+ info$/);
    const finding = lines.findIndex((line) => /^error +k9\.pop-only {2}\[K-9\] /.test(line));
    expect(finding).toBeGreaterThan(0);
    // The effect, then the fix, indented under the finding.
    expect(lines[finding + 1]).toMatch(/^ {2}\S/);
    expect(lines[finding + 2]).toMatch(/^ {2}fix: \S/);
    expect(result.stdout).toMatch(/\n1 domain: [1-9]\d* errors?, \d+ warnings?, \d+ info\n$/);
    expect(result.stderr).toBe('');
  });

  it('examines every domain in name order with --json, one document with the counts', async () => {
    const result = await cli(dbUri, ['doctor', '--json']);
    expect(result.code).toBe(1);
    const document = parsed(result);
    expect(document.domains.map((report) => report.domain)).toEqual([
      'example.com',
      'example.net',
      'example.org',
      'ham-n-eggs.tld',
      'serverless.tld',
    ]);
    const org = document.domains.find((report) => report.domain === 'example.org');
    expect(org?.live).toBe(false);
    expect(org?.passed).toEqual([]);
    expect(org?.findings).toContainEqual(
      expect.objectContaining({
        rule: 'k9.pop-only',
        severity: 'error',
        clients: expect.arrayContaining(['k9']) as unknown,
        field: 'servers',
      }),
    );
    const count = (severity: string) =>
      document.domains.flatMap((report) => report.findings).filter((f) => f.severity === severity)
        .length;
    expect(document).toMatchObject({
      errors: count('error'),
      warnings: count('warning'),
      info: count('info'),
      unknown: [],
    });
  });

  it('reports an unknown domain on stderr and exits 1, still examining the others', async () => {
    const result = await cli(dbUri, ['doctor', 'nosuch.example', 'example.org', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: unknown domain: nosuch.example (not in the database)\n');
    const document = parsed(result);
    expect(document.domains.map((report) => report.domain)).toEqual(['example.org']);
    expect(document.unknown).toEqual(['nosuch.example']);
  });

  it('finds a domain as clients do: any case, a trailing dot', async () => {
    const result = await cli(dbUri, ['doctor', 'EXAMPLE.org.', '--json']);
    expect(parsed(result).domains.map((report) => report.domain)).toEqual(['example.org']);
  });

  it('drops the finding once the POP server is an IMAP server', async () => {
    const { dbUri: fixedUri, dataSource: fixed } = await sqliteFile('fixed.sqlite');
    try {
      await new SeedRepository(new DatabaseConnection(fixed), new DataChanges()).replaceAll(
        samplePlan(null),
      );
      await fixed.query(`UPDATE server SET type = 'imap' WHERE type = 'pop'`);
      const result = await cli(fixedUri, ['doctor', 'example.org', '--json']);
      const document = parsed(result);
      expect(document.domains.map((report) => report.domain)).toEqual(['example.org']);
      expect(rulesOf(document.domains[0])).not.toContain('k9.pop-only');
      expect(result.code).toBe(document.errors > 0 ? 1 : 0);
    } finally {
      await fixed.destroy();
    }
  });

  it.each([
    [['doctor', '--bogus'], 'doctor: Unknown option'],
    [['doctor', '--timeout', '5'], 'need --live'],
    [['doctor', '--live', '--dns-server', 'dns.example.com'], 'doctor: --dns-server'],
    [['doctor', '--live', '--https-port', '70000'], 'doctor: --https-port "70000"'],
  ])('refuses %j with the usage text and exit 2', async (args, message) => {
    const result = await cli(dbUri, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: automx2-nest <command>/);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses bad doctor_* keys as configuration errors (exit 2), naming them', async () => {
    const file = conf('bad-doctor.conf', {
      doctor_dns_servers: 'dns.example.com',
      doctor_https_port: '0',
      doctor_timeout: 'soon',
      doctor_ca_file: join(home, 'missing-ca.pem'),
    });
    const result = await cli(dbUri, ['doctor'], file);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const key of [
      'doctor_dns_servers',
      'doctor_https_port',
      'doctor_timeout',
      'doctor_ca_file',
    ]) {
      expect(lines).toContainEqual(expect.stringContaining(`config error: ${file}: ${key} = `));
    }
  });

  it('says to create the schema when the database has none', async () => {
    const empty = `sqlite:///${join(home, 'empty.sqlite')}`;
    const result = await cli(empty, ['doctor']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('database schema missing: run `automx2-nest migrate`');
  });
});

describeLive('automx2-nest doctor --live', () => {
  let zone: DoctorZone;
  let dbUri: string;

  beforeAll(async () => {
    zone = await startDoctorZone();
    dbUri = `sqlite:///${join(home, 'zone.sqlite')}`;
    const document = join(home, 'zone.json');
    writeFileSync(document, JSON.stringify(zone.exportDocument));
    for (const args of [['migrate'], ['import', document]]) {
      const result = await cli(dbUri, args);
      if (result.code !== 0) throw new Error(`${args[0]}: ${result.stderr}`);
    }
  }, LIVE_TIMEOUT_MS);

  afterAll(async () => {
    await zone?.stop();
  });

  /** The flags that point the live checks at the test zone. */
  const zoneFlags = () => [
    '--dns-server',
    zone.dnsServer,
    '--ca-file',
    zone.caFile,
    '--https-port',
    String(zone.httpsPort),
    '--timeout',
    '2',
  ];

  it(
    'passes every live check of the healthy domain and exits 0',
    async () => {
      const result = await cli(dbUri, ['doctor', zone.healthyDomain, '--live', ...zoneFlags()]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout.split('\n')[0]).toMatch(
        new RegExp(`^${zone.healthyDomain.replace(/\./g, '\\.')} \\(with live checks\\): 0 errors`),
      );
      expect(result.stdout).toMatch(/^ok +\S/m);
      expect(result.stdout).not.toMatch(/^error +live\./m);
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    'names the live rules that fail for the broken domain and exits 1',
    async () => {
      const result = await cli(dbUri, ['doctor', zone.brokenDomain, '--live', ...zoneFlags()]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^(error|warning) +live\.(dns|tls|mail|ldap)\.\S+ /m);
      expect(result.stdout).toMatch(/^error +\S+ /m);
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    'reads the doctor_* keys when no flag is given, and reports in JSON',
    async () => {
      const file = conf('zone.conf', {
        doctor_dns_servers: zone.dnsServer,
        doctor_ca_file: zone.caFile,
        doctor_https_port: String(zone.httpsPort),
        doctor_timeout: '2',
      });
      const result = await cli(
        dbUri,
        ['doctor', zone.healthyDomain, zone.brokenDomain, '--live', '--json'],
        file,
      );
      expect(result.code).toBe(1);
      const document = parsed(result);
      const [healthy, broken] = document.domains;
      expect(healthy).toMatchObject({ domain: zone.healthyDomain, live: true });
      expect(healthy?.passed.length).toBeGreaterThan(0);
      expect(healthy?.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
      expect(broken).toMatchObject({ domain: zone.brokenDomain, live: true });
      const liveRules = [...new Set(rulesOf(broken).filter((rule) => rule.startsWith('live.')))];
      expect(liveRules.sort()).toEqual([...BROKEN_RULES]);
      expect(document.errors).toBeGreaterThan(0);
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    'reports a DNS server that does not answer as findings, without hanging',
    async () => {
      // Nothing listens on port 9 of loopback: every DNS query fails fast or times out.
      const started = Date.now();
      const result = await cli(dbUri, [
        'doctor',
        zone.healthyDomain,
        '--live',
        '--dns-server',
        '127.0.0.1:9',
        '--timeout',
        '0.5',
      ]);
      expect([0, 1]).toContain(result.code);
      expect(result.stdout).toMatch(/^(error|warning|info) +live\.dns\.\S+ /m);
      expect(Date.now() - started).toBeLessThan(LIVE_TIMEOUT_MS / 2);
    },
    LIVE_TIMEOUT_MS,
  );
});
