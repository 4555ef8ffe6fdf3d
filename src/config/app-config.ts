import type { DatabaseTarget } from './db-uri';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const HTTP_ADAPTERS = ['fastify', 'express'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

/** The LDAP server the sample data of GET /initdb/ gets when LDAP_HOSTNAME is set. */
export interface SampleLdapServer {
  readonly hostname: string;
  readonly port: number;
  readonly searchBase: string;
  readonly bindUser: string | null;
  readonly bindPassword: string | null;
}

/** `initdb`: who may use /initdb/ — loopback clients (the default), or nobody. */
export const INITDB_MODES = ['loopback', 'off'] as const;
export type InitDbMode = (typeof INITDB_MODES)[number];

export const LDAP_NO_MATCH = ['204', 'generic'] as const;
export type LdapNoMatch = (typeof LDAP_NO_MATCH)[number];

/** Directory (LDAP) client settings; the servers themselves come from the database. */
export interface DirectoryConfig {
  /** PEM file of the CA(s) that sign the LDAP servers' certificates; null = system CAs. */
  readonly caFile: string | null;
  readonly tlsVerify: boolean;
  /** Upgrade plain (use_ssl false) connections with StartTLS. */
  readonly startTls: boolean;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  /** How long a lookup result (match or no match) is reused; 0 = never. */
  readonly cacheTtlMs: number;
  readonly noMatch: LdapNoMatch;
}

/** PEM files for signing profiles (paths as configured, read once at start-up). */
export interface MobileconfigSigningConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** Intermediate certificates to include; null = none besides the signer's own. */
  readonly chainFile: string | null;
}

/** The in-memory cache of resolved domain settings (performance). */
export interface SettingsCacheConfig {
  /** How long a domain's settings are reused; 0 = no cache. Other replicas see changes within this. */
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Bound on the (estimated) bytes of all cached entries. */
  readonly maxBytes: number;
}

/**
 * Per-client request limit on the routes that can enumerate addresses (autoconfig,
 * Autodiscover POX, mobileconfig): `rate_limit` requests per `rate_limit_window`.
 */
export interface RateLimitConfig {
  /** Requests per window and client; 0 = off (the default). */
  readonly limit: number;
  readonly windowMs: number;
  /** Whether loopback clients are limited too (default: exempt). */
  readonly loopback: boolean;
}

/** The validated, typed runtime configuration. Built once at start-up. */
export interface AppConfig {
  /** The INI file that was read, or null when the embedded defaults are used. */
  readonly sourceFile: string | null;
  readonly loglevel: LogLevel;
  readonly logFormat: LogFormat;
  /** db_uri as configured (may contain a password: never log it; see redactDbUri). */
  readonly dbUri: string;
  readonly database: DatabaseTarget;
  readonly dbEcho: boolean;
  readonly proxyCount: number;
  /**
   * `trusted_proxies`: addresses and CIDR networks (as written, validated) whose
   * X-Forwarded-* headers count; empty = every peer's (automx2's behaviour).
   */
  readonly trustedProxies: readonly string[];
  /** `initdb`: `loopback` (loopback clients asking for a loopback host) or `off` (403). */
  readonly initdb: InitDbMode;
  readonly host: string;
  readonly port: number;
  readonly httpAdapter: HttpAdapterName;
  readonly bodyLimit: number;
  readonly autodiscoverUrl: string | null;
  /** PERMIT_CLEARTEXT_PASSWORDS=I_understand_the_risks */
  readonly permitCleartextPasswords: boolean;
  readonly sampleLdapServer: SampleLdapServer | null;
  readonly directory: DirectoryConfig;
  readonly settingsCache: SettingsCacheConfig;
  readonly rateLimit: RateLimitConfig;
  /** mobileconfig_sign_*: null = profiles are sent unsigned. */
  readonly mobileconfigSigning: MobileconfigSigningConfig | null;
  /**
   * Processes serving HTTP (`workers`): 1 = this process serves; more = this process
   * is a node:cluster primary that forks that many workers sharing the listen socket.
   */
  readonly workers: number;
  readonly admin: AdminConfig;
  readonly doctor: DoctorConfig;
}

/** The doctor's live checks (`doctor_*`), for GET …/findings?live=1; the CLI's flags override them. */
export interface DoctorConfig {
  /** `doctor_dns_servers`: DNS servers to ask (HOST or HOST:PORT); null = the system's resolver. */
  readonly dnsServers: readonly string[] | null;
  /** `doctor_ca_file`: PEM CAs trusted besides the system's for the TLS checks; null = none. */
  readonly caFile: string | null;
  /** `doctor_https_port`: the port of autoconfig./autodiscover.<domain> over HTTPS (443). */
  readonly httpsPort: number;
  /** `doctor_timeout`: bound on each network call of the live checks, ms (3000). */
  readonly timeoutMs: number;
}

/** The admin API (`admin_*`): off while `tokensFile` is null. */
export interface AdminConfig {
  /** `admin_tokens_file`: the file of token names and hashes; null = the API is off. */
  readonly tokensFile: string | null;
  /** `admin_import_limit`: largest body of POST /admin/api/v1/import, in bytes. */
  readonly importLimit: number;
  /** `admin_auth_failures`: failed authentications per client and minute before 429. */
  readonly authFailures: number;
}
