import { readFileSync } from 'node:fs';
import type { AppConfig, MobileconfigSigningConfig, SampleLdapServer } from './app-config';
import {
  CONFIG_KEYS,
  ConfigValueError,
  isConfigKey,
  parseInteger,
  type ConfigValues,
} from './config-keys';
import { defaultLocatorEnv, locateConfigFile, type LocatorEnv } from './config-locator';
import { isInMemorySqlite, parseDbUri, redactDbUri } from './db-uri';
import { readIniSection } from './ini-section';

export const DEFAULT_DB_URI = 'sqlite:///:memory:';
export const CLEARTEXT_OPT_IN = 'I_understand_the_risks';

/** Every problem found in the configuration, one line each (start-up stops with exit 2). */
export class ConfigProblems extends Error {
  constructor(readonly problems: readonly string[]) {
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

export interface LoadOptions {
  readonly locator?: LocatorEnv;
  readonly readFile?: (path: string) => string;
  readonly overrides?: CommandLineOverrides;
}

/** Locates, reads, validates and types the configuration, collecting every problem. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const locator = options.locator ?? defaultLocatorEnv();
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const file = locateConfigFile(locator);
  const problems: string[] = [];
  const warnings: string[] = [];
  /** Keys whose value was refused (a problem line already names them). */
  const refused = new Set<keyof ConfigValues>();
  let values: ConfigValues = {};
  if (file !== null) {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      throw new ConfigProblems([`${file}: cannot read: ${(error as Error).message}`]);
    }
    values = parseSection(text, file, problems, warnings, refused);
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
  const sampleLdapServer = readSampleLdap(env, problems);
  const mobileconfigSigning = readMobileconfigSigning(values, file, problems);
  if (problems.length > 0) throw new ConfigProblems(problems);
  const dbUri = values.db_uri ?? DEFAULT_DB_URI;
  const config: AppConfig = {
    sourceFile: file,
    loglevel: values.loglevel ?? 'WARNING',
    logFormat: values.log_format ?? 'text',
    dbUri,
    database: parseDbUri(dbUri),
    dbEcho: values.db_echo ?? false,
    proxyCount: values.proxy_count ?? 0,
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
  };
  return { config, warnings };
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
