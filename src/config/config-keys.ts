import { accessSync, constants } from 'node:fs';
import { parseAddressEntry, splitAddressList } from '../common/address-set';
import {
  HTTP_ADAPTERS,
  INITDB_MODES,
  LDAP_NO_MATCH,
  LOG_FORMATS,
  LOG_LEVELS,
  type HttpAdapterName,
  type InitDbMode,
  type LdapNoMatch,
  type LogFormat,
  type LogLevel,
} from './app-config';
import { DbUriError, parseDbUri } from './db-uri';
import { DnsServerListError, parseDnsServerList } from './dns-servers';

/** Upper bound of `workers` (processes serving HTTP with node:cluster). */
export const MAX_WORKERS = 64;

/** Thrown by a key parser; the message says what is allowed. */
export class ConfigValueError extends Error {}

const TRUE_WORDS = ['1', 'yes', 'true', 'on'];
const FALSE_WORDS = ['0', 'no', 'false', 'off'];

export function parseBoolean(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new ConfigValueError(`expected one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`);
}

export function parseInteger(value: string, min: number, max: number): number {
  const text = value.trim();
  const number = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new ConfigValueError(`expected an integer from ${min} to ${max}`);
  }
  return number;
}

/** Seconds (decimals allowed) to milliseconds. */
export function parseSeconds(value: string, max: number, min = 0): number {
  const text = value.trim();
  const seconds = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || seconds > max || seconds < min) {
    throw new ConfigValueError(
      min > 0
        ? `expected a number of seconds above 0, at most ${max}`
        : `expected a number of seconds from 0 to ${max}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** A path to a file this process can read (checked once, at start-up). */
export function readableFile(value: string): string {
  const path = value.trim();
  if (!path) throw new ConfigValueError('expected a file name');
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigValueError('file does not exist or is not readable');
  }
  return path;
}

function oneOf<T extends string>(allowed: readonly T[], value: string, upper = false): T {
  const word = upper ? value.trim().toUpperCase() : value.trim().toLowerCase();
  const found = allowed.find((candidate) => candidate === word);
  if (!found) throw new ConfigValueError(`expected one of ${allowed.join(', ')}`);
  return found;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return url.toString();
  } catch {
    throw new ConfigValueError('expected an absolute http(s) URL');
  }
}

function parseFileName(value: string): string {
  if (!value.trim()) throw new ConfigValueError('expected a file name');
  return value.trim();
}

/** Addresses and CIDR networks separated by commas and/or spaces; empty = none. */
export function parseAddressList(value: string): string[] {
  const entries = splitAddressList(value);
  const bad = entries.filter((entry) => parseAddressEntry(entry) === null);
  if (bad.length > 0) {
    throw new ConfigValueError(
      `${bad.map((entry) => JSON.stringify(entry)).join(', ')}: expected IP addresses or ` +
        'CIDR networks (192.0.2.7, 10.0.0.0/8, 2001:db8::/32) separated by commas or spaces',
    );
  }
  return entries;
}

/** Values of the [automx2] section after parsing; keys absent from the file are undefined. */
export interface ConfigValues {
  loglevel?: LogLevel;
  log_format?: LogFormat;
  db_uri?: string;
  db_echo?: boolean;
  proxy_count?: number;
  trusted_proxies?: string[];
  initdb?: InitDbMode;
  host?: string;
  port?: number;
  http_adapter?: HttpAdapterName;
  body_limit?: number;
  autodiscover_url?: string;
  ldap_ca_file?: string;
  ldap_tls_verify?: boolean;
  ldap_starttls?: boolean;
  ldap_connect_timeout?: number;
  ldap_timeout?: number;
  ldap_cache_ttl?: number;
  ldap_no_match?: LdapNoMatch;
  cache_ttl?: number;
  cache_max_entries?: number;
  cache_max_bytes?: number;
  rate_limit?: number;
  rate_limit_window?: number;
  rate_limit_loopback?: boolean;
  mobileconfig_sign_cert?: string;
  mobileconfig_sign_key?: string;
  mobileconfig_sign_chain?: string;
  workers?: number;
  admin_tokens_file?: string;
  admin_import_limit?: number;
  admin_auth_failures?: number;
  doctor_dns_servers?: string[];
  doctor_ca_file?: string;
  doctor_https_port?: number;
  doctor_timeout?: number;
}

type KeyParsers = { [K in keyof ConfigValues]-?: (value: string) => ConfigValues[K] };

/** Every key we read, with its parser (BEHAVIOUR.md §10). */
export const CONFIG_KEYS: KeyParsers = {
  loglevel: (v) => oneOf(LOG_LEVELS, v, true),
  log_format: (v) => oneOf(LOG_FORMATS, v),
  db_uri: (v) => {
    try {
      parseDbUri(v);
    } catch (error) {
      if (error instanceof DbUriError) throw new ConfigValueError(error.message);
      throw error;
    }
    return v.trim();
  },
  db_echo: parseBoolean,
  proxy_count: (v) => parseInteger(v, 0, 100),
  trusted_proxies: parseAddressList,
  initdb: (v) => oneOf(INITDB_MODES, v),
  host: (v) => {
    if (!v.trim()) throw new ConfigValueError('expected a host name or address');
    return v.trim();
  },
  port: (v) => parseInteger(v, 0, 65535),
  http_adapter: (v) => oneOf(HTTP_ADAPTERS, v),
  body_limit: (v) => parseInteger(v, 1, 64 * 1024 * 1024),
  autodiscover_url: parseUrl,
  ldap_ca_file: readableFile,
  ldap_tls_verify: parseBoolean,
  ldap_starttls: parseBoolean,
  ldap_connect_timeout: (v) => parseSeconds(v, 60, 0.001),
  ldap_timeout: (v) => parseSeconds(v, 60, 0.001),
  ldap_cache_ttl: (v) => parseSeconds(v, 3600),
  ldap_no_match: (v) => oneOf(LDAP_NO_MATCH, v),
  cache_ttl: (v) => parseSeconds(v, 3600),
  cache_max_entries: (v) => parseInteger(v, 1, 10_000_000),
  cache_max_bytes: (v) => parseInteger(v, 1024, 4 * 1024 * 1024 * 1024),
  rate_limit: (v) => parseInteger(v, 0, 1_000_000),
  rate_limit_window: (v) => parseSeconds(v, 86_400, 1),
  rate_limit_loopback: parseBoolean,
  mobileconfig_sign_cert: parseFileName,
  mobileconfig_sign_key: parseFileName,
  mobileconfig_sign_chain: parseFileName,
  workers: (v) => parseInteger(v, 1, MAX_WORKERS),
  admin_tokens_file: parseFileName,
  admin_import_limit: (v) => parseInteger(v, 1024, 1024 * 1024 * 1024),
  admin_auth_failures: (v) => parseInteger(v, 1, 10_000),
  doctor_dns_servers: (v) => {
    try {
      return parseDnsServerList(v);
    } catch (error) {
      if (error instanceof DnsServerListError) throw new ConfigValueError(error.message);
      throw error;
    }
  },
  doctor_ca_file: readableFile,
  doctor_https_port: (v) => parseInteger(v, 1, 65535),
  doctor_timeout: (v) => parseSeconds(v, 60, 0.001),
};

export function isConfigKey(key: string): key is keyof ConfigValues {
  return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key);
}
