import { domainToASCII } from 'node:url';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';

export interface DnsOptions {
  /** TTL of every record, seconds. */
  readonly ttl: number;
  /** Host that serves automx2-nest (the CNAME target of autoconfig./autodiscover.). */
  readonly target: string | null;
  /** Certified host for the `_autodiscover._tcp` SRV; default `autodiscover.<domain>`. */
  readonly autodiscoverHost: string | null;
}

/** The TTL of the records unless one is given, seconds. */
export const DEFAULT_TTL = 3600;
/** The largest TTL (RFC 2181: 2^31 - 1 seconds). */
export const MAX_TTL = 2147483647;

/** A TTL option (`--ttl`, `?ttl=`) as seconds, or null when it is not 0 to MAX_TTL. */
export function readTtl(value: string): number | null {
  const ttl = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return ttl <= MAX_TTL ? ttl : null;
}

/** A host option (`--target`, `?target=` …) without its trailing dot, or null when it names no host. */
export function readHost(value: string): string | null {
  const host = value.trim().replace(/\.$/, '');
  return host === '' || domainToASCII(host) === '' || host.includes('/') ? null : host;
}

/** RFC 6186 / RFC 8314 mail services, in the order printed. */
const MAIL_SERVICES = [
  { label: '_imaps', type: 'imap', implicitTls: true },
  { label: '_imap', type: 'imap', implicitTls: false },
  { label: '_pop3s', type: 'pop', implicitTls: true },
  { label: '_pop3', type: 'pop', implicitTls: false },
  { label: '_submissions', type: 'smtp', implicitTls: true },
  { label: '_submission', type: 'smtp', implicitTls: false },
] as const;

/** RFC 6764 services: `s` = over TLS (https URLs). */
const DAV_SERVICES = [
  { label: '_caldavs', type: 'caldav', tls: true },
  { label: '_caldav', type: 'caldav', tls: false },
  { label: '_carddavs', type: 'carddav', tls: true },
  { label: '_carddav', type: 'carddav', tls: false },
] as const;

const PER_USER_PLACEHOLDERS = /%EMAIL(ADDRESS|LOCALPART)%/;
const SRV_MAX = 65535;

interface Srv {
  readonly priority: number;
  readonly port: number;
  readonly target: string;
}

/**
 * The records an operator publishes for one domain, in zone-file syntax with absolute
 * names: SRV for each mail service (`0 0 0 .` = not offered, RFC 2782), CalDAV/CardDAV
 * SRV and TXT `path=`, the `_autodiscover._tcp` SRV and the autoconfig/autodiscover
 * CNAMEs. `%EMAILDOMAIN%` in host names and paths is the domain itself.
 */
export function dnsRecords(settings: DomainSettings, options: DnsOptions): string[] {
  const domain = hostName(settings.domainName);
  const owner = (label: string) => `${label}._tcp.${domain}`;
  const record = (name: string, type: string, data: string) =>
    `${name} ${options.ttl} IN ${type} ${data}`;
  const srvLines = (name: string, records: readonly Srv[]) =>
    records.length === 0
      ? [record(name, 'SRV', '0 0 0 .')]
      : records.map((srv) => record(name, 'SRV', `${srv.priority} 1 ${srv.port} ${srv.target}`));
  const expand = (text: string) => text.replaceAll('%EMAILDOMAIN%', settings.domainName);

  const lines = [
    `; DNS records for ${domain.slice(0, -1)} (provider "${oneLine(settings.provider.name)}"), from the automx2-nest database`,
    '; Mail services, RFC 6186 and RFC 8314 (target "." = not offered)',
  ];
  for (const service of MAIL_SERVICES) {
    const records = dedupe(
      settings.servers
        .filter((server) => mailService(server) === service.label)
        .map((server) => ({
          priority: clamp(server.prio),
          port: clamp(server.port),
          target: hostName(expand(server.name)),
        })),
    );
    lines.push(...srvLines(owner(service.label), records));
  }
  for (const server of settings.servers.filter((candidate) => mailService(candidate) === null)) {
    lines.push(
      `; server "${oneLine(server.name)}" of type "${oneLine(server.type)}" has no SRV service: left out`,
    );
  }

  lines.push('; CalDAV and CardDAV, RFC 6764 (TXT path = context path of the service)');
  for (const service of DAV_SERVICES) {
    const servers = settings.davServers
      .map((server) => ({ server, url: davUrl(server, expand) }))
      .filter(({ server, url }) => server.type === service.type && url.tls === service.tls);
    const records = dedupe(
      servers.map(({ url }, index) => ({ priority: index, port: url.port, target: url.host })),
    );
    lines.push(...srvLines(owner(service.label), records));
    const [first, ...others] = servers;
    if (!first) continue;
    lines.push(record(owner(service.label), 'TXT', txt(`path=${first.url.path}`)));
    if (first.url.shortened) {
      lines.push(
        `; path shortened from "${oneLine(first.url.fullPath)}" (per-user placeholders do not belong in DNS)`,
      );
    }
    for (const other of others.filter(({ url }) => url.path !== first.url.path)) {
      lines.push(
        `; ${oneLine(other.server.url)}: its path differs, and DNS holds one path per service`,
      );
    }
  }

  lines.push(
    '; Outlook: Autodiscover via SRV. RFC 2782: an SRV target must not be a CNAME; name the',
    '; host that holds the certificate with --autodiscover-host',
  );
  const autodiscover = options.autodiscoverHost
    ? hostName(options.autodiscoverHost)
    : `autodiscover.${domain}`;
  lines.push(record(owner('_autodiscover'), 'SRV', `0 1 443 ${autodiscover}`));

  lines.push('; Autoconfig (Thunderbird, K-9) and Autodiscover (Outlook) host names');
  if (options.target) {
    const target = hostName(options.target);
    lines.push(record(`autoconfig.${domain}`, 'CNAME', target));
    lines.push(record(`autodiscover.${domain}`, 'CNAME', target));
  } else {
    lines.push(
      '; set the host that serves automx2-nest with --target HOST, then publish:',
      `; ${record(`autoconfig.${domain}`, 'CNAME', 'HOST.')}`,
      `; ${record(`autodiscover.${domain}`, 'CNAME', 'HOST.')}`,
    );
  }
  return lines;
}

/** The SRV service label of a mail server, or null for a type without one. */
export function mailService(server: MailServer): string | null {
  const implicitTls = server.socketType.trim().toUpperCase() === 'SSL';
  const service = MAIL_SERVICES.find(
    (candidate) =>
      candidate.type === server.type.trim().toLowerCase() && candidate.implicitTls === implicitTls,
  );
  return service?.label ?? null;
}

/** An absolute host name in ASCII (punycode), lower-cased, with the final dot. */
export function hostName(name: string): string {
  const bare = name.trim().replace(/\.$/, '').toLowerCase();
  return `${domainToASCII(bare) || bare}.`;
}

interface DavUrl {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly fullPath: string;
  readonly shortened: boolean;
}

/**
 * Where a DAV server's SRV and TXT point: https URLs are the TLS service; the port is
 * davserver.port when set, else the URL's, else 443/80; the path ends before the first
 * segment with a per-user placeholder.
 */
export function davUrl(server: DavServer, expand: (text: string) => string = (t) => t): DavUrl {
  const text = expand(server.url.trim());
  let url: URL | null = null;
  try {
    url = new URL(
      /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
        ? text
        : `${server.useSsl ? 'https' : 'http'}://${text}`,
    );
  } catch {
    url = null;
  }
  const tls = url ? url.protocol === 'https:' : server.useSsl;
  const fullPath = url ? url.pathname || '/' : '/';
  const segments = fullPath.split('/');
  const cut = segments.findIndex((segment) => PER_USER_PLACEHOLDERS.test(segment));
  const path = cut < 0 ? fullPath : `${segments.slice(0, cut).join('/')}/`;
  const urlPort = url && url.port !== '' ? Number(url.port) : tls ? 443 : 80;
  return {
    tls,
    host: hostName(url ? url.hostname : (text.split('/')[0] ?? '')),
    port: server.port > 0 ? clamp(server.port) : urlPort,
    path,
    fullPath,
    shortened: cut >= 0,
  };
}

function dedupe(records: readonly Srv[]): Srv[] {
  const seen = new Set<string>();
  return records.filter((srv) => {
    const key = `${srv.target} ${srv.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function clamp(value: number): number {
  return Math.min(Math.max(value, 0), SRV_MAX);
}

/** A TXT character-string, quoted with `"` and `\` escaped (RFC 1035 §5.1). */
function txt(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** Stored text inside a comment line: control characters (line breaks) become `?`. */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}
