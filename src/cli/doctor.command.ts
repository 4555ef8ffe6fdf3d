import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { AdminStore } from '../admin/admin-store';
import { UsageError } from '../bootstrap/cli-args';
import type { DoctorConfig } from '../config/app-config';
import { ConfigValueError, parseInteger, parseSeconds, readableFile } from '../config/config-keys';
import { DnsServerListError, parseDnsServerList } from '../config/dns-servers';
import type { LiveCheckOptions } from '../doctor/live/live-options';
import { loadCliConfig, withDatabase } from './cli-context';
import { CliError } from './cli.errors';
import {
  countReport,
  emptyDoctorTally,
  formatReport,
  formatSummary,
  jsonEnd,
  jsonReport,
  jsonStart,
} from './doctor-format';

/** The domains of one database page when every domain is examined. */
const PAGE_SIZE = 200;

/** `doctor`'s arguments, checked (pure: no configuration, no I/O besides --ca-file). */
export interface DoctorArgs {
  /** The domains named, in order, without repeats; empty = every domain. */
  readonly domains: readonly string[];
  readonly live: boolean;
  readonly json: boolean;
  /** The live-check flags given; each overrides its doctor_* key. */
  readonly overrides: Partial<DoctorConfig>;
}

const OPTIONS = {
  live: { type: 'boolean' },
  json: { type: 'boolean' },
  'dns-server': { type: 'string', multiple: true },
  'ca-file': { type: 'string' },
  'https-port': { type: 'string' },
  timeout: { type: 'string' },
} as const;

/**
 * `doctor [DOMAIN…] [--live] [--json] [--dns-server HOST[:PORT]]… [--ca-file FILE]
 * [--https-port N] [--timeout SECONDS]`; anything else is a usage error (exit 2).
 */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`doctor: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  const domains: string[] = [];
  for (const written of positionals) {
    const domain = written.trim().replace(/\.$/, '');
    if (domain === '') throw new UsageError('doctor: a domain is empty');
    if (!domains.includes(domain)) domains.push(domain);
  }
  const overrides: { -readonly [K in keyof DoctorConfig]?: DoctorConfig[K] } = {};
  const dnsServers = values['dns-server'];
  if (dnsServers !== undefined) {
    overrides.dnsServers = dnsServers.flatMap((value) =>
      flag('--dns-server', value, parseDnsServerList),
    );
  }
  if (values['ca-file'] !== undefined) {
    overrides.caFile = flag('--ca-file', values['ca-file'], readableFile);
  }
  if (values['https-port'] !== undefined) {
    overrides.httpsPort = flag('--https-port', values['https-port'], (v) =>
      parseInteger(v, 1, 65535),
    );
  }
  if (values.timeout !== undefined) {
    overrides.timeoutMs = flag('--timeout', values.timeout, (v) => parseSeconds(v, 60, 0.001));
  }
  const live = values.live === true;
  const flags = Object.keys(overrides);
  if (!live && flags.length > 0) {
    throw new UsageError('doctor: --dns-server, --ca-file, --https-port and --timeout need --live');
  }
  return { domains, live, json: values.json === true, overrides };
}

/** A flag's value through a configuration key's parser; its refusal is a usage error. */
function flag<T>(name: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof ConfigValueError || error instanceof DnsServerListError) {
      throw new UsageError(`doctor: ${name} ${JSON.stringify(value)}: ${error.message}`);
    }
    throw error;
  }
}

/** The live checks' options: the doctor_* keys, each overridden by its flag. */
export function liveOptions(
  config: DoctorConfig,
  overrides: Partial<DoctorConfig>,
): LiveCheckOptions {
  const merged = { ...config, ...overrides };
  return {
    dnsServers: merged.dnsServers,
    caFile: merged.caFile,
    httpsPort: merged.httpsPort,
    timeoutMs: merged.timeoutMs,
  };
}

/**
 * `automx2-nest doctor`: the doctor's findings for the named domains, or every domain in
 * the database (read page by page), as text or one JSON document on stdout. Exit 1 when
 * any finding is an error or a named domain is unknown.
 */
export async function runDoctor(argv: readonly string[]): Promise<void> {
  const args = parseDoctorArgs(argv);
  const loaded = loadCliConfig();
  if (!loaded) return;
  const live = args.live ? liveOptions(loaded.config.doctor, args.overrides) : null;
  const tally = emptyDoctorTally();
  const unknown: string[] = [];
  await withDatabase(loaded, async (connection) => {
    const [{ AdminRepository }, { DataChanges }, { schemaPresent, SCHEMA_MISSING }, report] =
      await Promise.all([
        import('../database/admin.repository'),
        import('../database/data-changes'),
        import('../health/schema-probe'),
        import('../doctor/doctor-report'),
      ]);
    if (!(await schemaPresent(connection.dataSource))) throw new CliError(SCHEMA_MISSING);
    const store = new AdminRepository(connection, new DataChanges());
    if (args.json) await write(jsonStart());
    for await (const name of domainNames(store, args.domains)) {
      const view = await store.getDomain(name);
      if (view === null) {
        unknown.push(name);
        process.stderr.write(`error: unknown domain: ${name} (not in the database)\n`);
        continue;
      }
      const examined = await report.examineDomain(view, live);
      await write(args.json ? jsonReport(examined, tally.domains === 0) : formatReport(examined));
      countReport(tally, examined);
    }
  });
  await write(args.json ? jsonEnd(tally, unknown) : formatSummary(tally));
  if (tally.errors > 0 || unknown.length > 0) process.exitCode = 1;
}

/** The domains named, or the name of every stored domain, in name order. */
async function* domainNames(
  store: Pick<AdminStore, 'listDomains'>,
  named: readonly string[],
): AsyncGenerator<string> {
  if (named.length > 0) {
    yield* named;
    return;
  }
  let cursor: string | undefined;
  do {
    const page = await store.listDomains({ limit: PAGE_SIZE, cursor });
    for (const item of page.items) yield item.name;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Writes to stdout, waiting while its buffer is full (a long run piped to a slow reader). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}
