import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig, MobileconfigSigningConfig, SampleLdapServer } from './app-config';
import {
  CONFIG_KEYS,
  ConfigValueError,
  isConfigKey,
  parseInteger,
  type ConfigValues,
} from './config-keys';
import {
  defaultLocatorEnv,
  locateConfigFile,
  type ConfigLocation,
  type LocatorEnv,
} from './config-locator';
import { isInMemorySqlite, parseDbUri, redactDbUri } from './db-uri';
import { readIniSection } from './ini-section';

export const DEFAULT_DB_URI = 'sqlite:///:memory:';
export const CLEARTEXT_OPT_IN = 'I_understand_the_risks';
/** The token file of the embedded defaults, in the home directory (README "Console"). */
export const DEFAULT_TOKENS_FILE_NAME = '.automx2-admin-tokens.json';

/** Every problem found in the configuration, one line each (start-up stops with exit 2). */
export class ConfigProblems extends Error {
  constructor(
    readonly problems: readonly string[],
    /** The warnings found alongside (unknown keys), for check-config to list as well. */
    readonly warnings: readonly string[] = [],
  ) {
    super(problems.join('\n'));
  }
}

export interface CommandLineOverrides {
  readonly host?: string;
  readonly port?: number;
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Non-fatal findings (unknown keys), to be logged once the logger exists. */
  readonly warnings: readonly string[];
}

/**
 * The configuration as read, with every problem and warning. `config` is what the
 * values that were accepted give (refused ones keep their defaults): it runs only when
 * `problems` is empty.
 */
export interface ConfigInspection extends LoadedConfig {
  readonly problems: readonly string[];
}

export interface LoadOptions {
  readonly locator?: LocatorEnv;
  readonly readFile?: (path: string) => string;
  readonly overrides?: CommandLineOverrides;
}

/** Locates, reads, validates and types the configuration; throws ConfigProblems. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const { config, warnings, problems } = inspectConfig(options);
  if (problems.length > 0) throw new ConfigProblems(problems, warnings);
  return { config, warnings };
}

/** Locates, reads, validates and types the configuration, collecting every problem. */
export function inspectConfig(options: LoadOptions = {}): ConfigInspection {
  const locator = options.locator ?? defaultLocatorEnv();
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const location = locateConfigFile(locator);
  const file = location?.path ?? null;
  const problems: string[] = [];
  const warnings: string[] = [];
  /** Keys whose value was refused (a problem line already names them). */
  const refused = new Set<keyof ConfigValues>();
  let values: ConfigValues = {};
  if (location !== null) {
    const text = readConfigFile(location, readFile, problems);
    if (text !== null) values = parseSection(text, location.path, problems, warnings, refused);
  }
  const env = locator.env;
  if (env.AUTOMX2_DB_URI) {
    try {
      values.db_uri = CONFIG_KEYS.db_uri(env.AUTOMX2_DB_URI);
    } catch (error) {
      refused.add('db_uri');
      problems.push(
        `environment: AUTOMX2_DB_URI = ${JSON.stringify(redactDbUri(env.AUTOMX2_DB_URI))}: ${(error as Error).message}`,
      );
    }
  }
  checkWorkersDatabase(values, refused, file, problems);
  checkProxyTrust(values, refused, file, problems, warnings);
  const sampleLdapServer = readSampleLdap(env, problems);
  const mobileconfigSigning = readMobileconfigSigning(values, file, problems);
  const dbUri = values.db_uri ?? DEFAULT_DB_URI;
  const config: AppConfig = {
    sourceFile: file,
    loglevel: values.loglevel ?? 'WARNING',
    logFormat: values.log_format ?? 'text',
    dbUri,
    database: parseDbUri(dbUri),
    dbEcho: values.db_echo ?? false,
    proxyCount: values.proxy_count ?? 0,
    trustedProxies: values.trusted_proxies ?? [],
    initdb: values.initdb ?? 'loopback',
    host: options.overrides?.host ?? values.host ?? '127.0.0.1',
    port: options.overrides?.port ?? values.port ?? 4243,
    httpAdapter: values.http_adapter ?? 'fastify',
    bodyLimit: values.body_limit ?? 65536,
    autodiscoverUrl: values.autodiscover_url ?? null,
    permitCleartextPasswords: env.PERMIT_CLEARTEXT_PASSWORDS === CLEARTEXT_OPT_IN,
    sampleLdapServer,
    directory: {
      caFile: values.ldap_ca_file ?? null,
      tlsVerify: values.ldap_tls_verify ?? true,
      startTls: values.ldap_starttls ?? false,
      connectTimeoutMs: values.ldap_connect_timeout ?? 2000,
      timeoutMs: values.ldap_timeout ?? 3000,
      cacheTtlMs: values.ldap_cache_ttl ?? 5000,
      noMatch: values.ldap_no_match ?? '204',
    },
    mobileconfigSigning,
    settingsCache: {
      ttlMs: values.cache_ttl ?? 5000,
      maxEntries: values.cache_max_entries ?? 10_000,
      maxBytes: values.cache_max_bytes ?? 32 * 1024 * 1024,
    },
    rateLimit: {
      limit: values.rate_limit ?? 0,
      windowMs: values.rate_limit_window ?? 60_000,
      loopback: values.rate_limit_loopback ?? false,
    },
    workers: values.workers ?? 1,
    admin: {
      tokensFile:
        values.admin_tokens_file ?? (location === null ? defaultTokensFile(locator) : null),
      importLimit: values.admin_import_limit ?? 16 * 1024 * 1024,
      authFailures: values.admin_auth_failures ?? 10,
    },
    doctor: {
      dnsServers: values.doctor_dns_servers ?? null,
      caFile: values.doctor_ca_file ?? null,
      httpsPort: values.doctor_https_port ?? 443,
      timeoutMs: values.doctor_timeout ?? 3000,
    },
  };
  return { config, warnings, problems };
}

/**
 * Without any configuration file, the admin API reads `~/.automx2-admin-tokens.json`, the
 * file `automx2-nest token create` writes with the same defaults: a fresh checkout can
 * sign in to the console without writing a configuration. Null (the API stays off) when
 * there is no home directory.
 */
function defaultTokensFile(locator: LocatorEnv): string | null {
  if (locator.home === '' || !locator.exists(locator.home)) return null;
  return join(locator.home, DEFAULT_TOKENS_FILE_NAME);
}

/**
 * The text of the configuration file, or null (and a problem naming it) when it cannot
 * be read. A file named by AUTOMX2_CONF that does not exist is such a problem too.
 */
function readConfigFile(
  location: ConfigLocation,
  readFile: (path: string) => string,
  problems: string[],
): string | null {
  try {
    return readFile(location.path);
  } catch (error) {
    const named = location.named ? ' (named by AUTOMX2_CONF)' : '';
    problems.push(`${location.path}: cannot read${named}: ${readFailure(error)}`);
    return null;
  }
}

/** `ENOENT: no such file or directory`: Node's message without the path it repeats. */
function readFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '[^']*'$/, '');
}

function parseSection(
  text: string,
  file: string,
  problems: string[],
  warnings: string[],
  refused: Set<keyof ConfigValues>,
): ConfigValues {
  const section = readIniSection(text, 'automx2');
  const values: ConfigValues = {};
  if (section === undefined) {
    warnings.push(`${file}: no [automx2] section, using defaults`);
    return values;
  }
  for (const [key, raw] of Object.entries(section)) {
    if (!isConfigKey(key)) {
      warnings.push(`${file}: unknown key "${key}" in [automx2] ignored`);
      continue;
    }
    // configparser semantics: `%%` is a literal `%`.
    const value = String(raw).replace(/%%/g, '%');
    try {
      assignValue(values, key, value);
    } catch (error) {
      if (!(error instanceof ConfigValueError)) throw error;
      refused.add(key);
      const shown = JSON.stringify(key === 'db_uri' ? redactDbUri(value) : value);
      problems.push(`${file}: ${key} = ${shown}: ${error.message}`);
    }
  }
  return values;
}

function assignValue<K extends keyof ConfigValues>(values: ConfigValues, key: K, value: string) {
  const parser = CONFIG_KEYS[key] as (v: string) => ConfigValues[K];
  values[key] = parser(value);
}

/**
 * Workers are separate processes: each would open its own, empty in-memory SQLite
 * database. (Skipped when db_uri itself was refused: that line says enough.)
 */
function checkWorkersDatabase(
  values: ConfigValues,
  refused: ReadonlySet<keyof ConfigValues>,
  file: string | null,
  problems: string[],
): void {
  const workers = values.workers ?? 1;
  if (workers === 1 || refused.has('db_uri')) return;
  if (!isInMemorySqlite(parseDbUri(values.db_uri ?? DEFAULT_DB_URI))) return;
  problems.push(
    `${file ?? 'configuration'}: workers = "${workers}": each worker would have its own, ` +
      'empty in-memory SQLite database; set db_uri (or AUTOMX2_DB_URI) to a SQLite file ' +
      'or a database server, or use workers = 1',
  );
}

/**
 * `trusted_proxies` says whose X-Forwarded-For to read, `proxy_count` how much of it:
 * one without the other is a mistake. Listed proxies with proxy_count 0 would be
 * ignored (a problem); proxy_count without a list believes every peer, as automx2 does
 * (a warning: a peer that reaches the port directly can forge its address).
 */
function checkProxyTrust(
  values: ConfigValues,
  refused: ReadonlySet<keyof ConfigValues>,
  file: string | null,
  problems: string[],
  warnings: string[],
): void {
  if (refused.has('proxy_count') || refused.has('trusted_proxies')) return;
  const proxyCount = values.proxy_count ?? 0;
  const trusted = values.trusted_proxies ?? [];
  const where = file ?? 'configuration';
  if (proxyCount === 0 && trusted.length > 0) {
    problems.push(
      `${where}: trusted_proxies is set but proxy_count is 0, so no forwarded header would ` +
        'be read: set proxy_count to the number of proxies in front of the service',
    );
  } else if (proxyCount > 0 && trusted.length === 0) {
    warnings.push(
      `${where}: proxy_count = ${proxyCount} without trusted_proxies: X-Forwarded-For is ` +
        "believed from every peer; set trusted_proxies to the proxies' addresses",
    );
  }
}

/** Certificate and key go together; the chain needs both. The files are read later. */
function readMobileconfigSigning(
  values: ConfigValues,
  file: string | null,
  problems: string[],
): MobileconfigSigningConfig | null {
  const { mobileconfig_sign_cert: certFile, mobileconfig_sign_key: keyFile } = values;
  const chainFile = values.mobileconfig_sign_chain ?? null;
  if (certFile !== undefined && keyFile !== undefined) return { certFile, keyFile, chainFile };
  const keys = [
    'mobileconfig_sign_cert',
    'mobileconfig_sign_key',
    'mobileconfig_sign_chain',
  ] as const;
  const set = keys.filter((key) => values[key] !== undefined);
  const missing = keys.slice(0, 2).filter((key) => values[key] === undefined);
  if (set.length > 0) {
    problems.push(
      `${file ?? 'configuration'}: ${set.join(' and ')} set without ${missing.join(' and ')}: ` +
        'signing profiles needs both mobileconfig_sign_cert and mobileconfig_sign_key',
    );
  }
  return null;
}

function readSampleLdap(env: NodeJS.ProcessEnv, problems: string[]): SampleLdapServer | null {
  const hostname = env.LDAP_HOSTNAME;
  if (!hostname) return null;
  let port = 636;
  if (env.LDAP_PORT) {
    try {
      port = parseInteger(env.LDAP_PORT, 1, 65535);
    } catch (error) {
      problems.push(
        `environment: LDAP_PORT = ${JSON.stringify(env.LDAP_PORT)}: ${(error as Error).message}`,
      );
    }
  }
  return {
    hostname,
    port,
    searchBase: env.LDAP_SEARCH_BASE || 'dc=example,dc=com',
    bindUser: env.LDAP_BIND_USER ?? null,
    bindPassword: env.LDAP_BIND_PASSWORD ?? null,
  };
}
