/**
 * Rich data for the end-to-end suites (issue 13): rows that `POST /initdb/` cannot
 * express or will refuse, written with plain SQL into automx2's tables, and what every
 * client must receive for them.
 *
 * - socket types in odd spellings (`ssl`, `Starttls`, `AUTO`, `none`, `plain`) and
 *   authentications likewise (`PLAIN`, `oauth2`, `Password-Cleartext`, `secure`, `NTLM`,
 *   `gssapi`, `Client-IP-Address`, `tls-client-cert`);
 * - an IDN domain (`münchen.example`) served by IDN host names (`imap.bücher.example`)
 *   and DAV URLs with a non-ASCII host and path;
 * - legacy rows with ports 0, -1, 65536 and 70000, which every answer must leave out;
 * - upper-case names, `%EMAILLOCALPART%` user names, a POP-only domain.
 *
 * The expectations compare each document with the rows, through the client-rule
 * checkers and the canonical vocabulary of BEHAVIOUR.md §4–§6 (matched
 * case-insensitively, written in each format's spelling). What a client cannot
 * represent (K-9 has no `plain` socket type and no NTLM, GSSAPI or `none`
 * authentication) is listed as an expected K-9 violation, never ignored.
 */
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import type { TestApp } from '../support/test-app';
import type { TestDatabase } from '../support/test-databases';
import { checkAppleProfile } from './apple-profile-rules';
import { checkK9Autoconfig, checkThunderbirdAutoconfig } from './autoconfig-rules';
import { checkThunderbirdAutodiscover } from './autodiscover-rules';
import { aLabel, isPortNumber } from './host-names';
import { checkOutlookResponseStructure } from './outlook-response-structure';
import { encryptionOf, type StoredMailServer } from './stored-servers';
import { parseXmlDocument, type XmlElement } from './xml-tree';

// ---------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------

export interface RichProvider {
  readonly id: number;
  readonly name: string;
  readonly shortName: string;
}

export interface RichDomain {
  readonly id: number;
  readonly name: string;
  readonly providerId: number;
  /** What the domain's rows are about (test titles). */
  readonly about: string;
  /** Addresses to ask for, in the spellings clients send. */
  readonly addresses: readonly string[];
  /**
   * The mobileconfig answer: the stored names of the incoming and outgoing server the
   * profile must configure, or `may-refuse` when an authentication has no Apple
   * equivalent (GSSAPI, OAuth2, …; BEHAVIOUR.md §1 allows a 400 then).
   */
  readonly profile: { readonly incoming: string; readonly outgoing: string } | 'may-refuse';
}

export interface RichMailServer extends StoredMailServer {
  readonly id: number;
  readonly prio: number;
  readonly type: 'imap' | 'pop' | 'smtp';
  readonly userName: string;
  readonly domains: readonly string[];
}

export interface RichDavServer {
  readonly id: number;
  readonly url: string;
  /** 0 means "not set"; outside 0–65535 the server is left out. */
  readonly port: number;
  readonly type: 'caldav' | 'carddav';
  readonly useSsl: boolean;
  readonly domainRequired: boolean;
  readonly userName: string | null;
  readonly domains: readonly string[];
}

const SOCKETS = 'sockets.example';
const LEGACY = 'Legacy-Auth.Example';
const PORTS = 'ports.example';
const POP_ONLY = 'pop-only.example';
const OAUTH = 'oauth.example';
const MUNICH = 'münchen.example';

export const RICH_PROVIDERS: readonly RichProvider[] = [
  { id: 9001, name: 'Rich Mail & Co', shortName: 'Rich' },
  { id: 9002, name: 'Bücher & Söhne', shortName: 'Bücher' },
];

export const RICH_DOMAINS: readonly RichDomain[] = [
  {
    id: 9001,
    name: SOCKETS,
    providerId: 9001,
    about: 'socket types and authentications in odd spellings',
    addresses: ['user@sockets.example', 'First+Tag@SOCKETS.EXAMPLE'],
    profile: { incoming: 'imap-ssl.sockets.example', outgoing: 'smtp-starttls.sockets.example' },
  },
  {
    id: 9002,
    name: LEGACY,
    providerId: 9001,
    about: 'unencrypted servers, NTLM and none, upper-case names',
    addresses: ['user@legacy-auth.example'],
    profile: {
      incoming: 'IMAP-None.Legacy-Auth.Example',
      outgoing: 'smtp-ntlm.legacy-auth.example',
    },
  },
  {
    id: 9003,
    name: PORTS,
    providerId: 9001,
    about: 'legacy rows with ports 0, -1, 65536 and 70000',
    addresses: ['user@ports.example'],
    profile: { incoming: 'imap.ports.example', outgoing: 'smtp.ports.example' },
  },
  {
    id: 9004,
    name: POP_ONLY,
    providerId: 9001,
    about: 'POP only, password-encrypted',
    addresses: ['user@pop-only.example'],
    profile: 'may-refuse',
  },
  {
    id: 9005,
    name: OAUTH,
    providerId: 9001,
    about: 'OAuth2, GSSAPI, client-IP-address, TLS-client-cert',
    addresses: ['user@oauth.example'],
    profile: 'may-refuse',
  },
  {
    id: 9006,
    name: MUNICH,
    providerId: 9002,
    about: 'an IDN domain, IDN server names, DAV URLs with a non-ASCII host and path',
    addresses: [
      'jörg@münchen.example',
      'jörg@xn--mnchen-3ya.example',
      'anna@XN--MNCHEN-3YA.EXAMPLE',
    ],
    profile: { incoming: 'imap.bücher.example', outgoing: 'smtp.bücher.example' },
  },
];

function mail(
  id: number,
  prio: number,
  name: string,
  port: number,
  type: RichMailServer['type'],
  socketType: string,
  authentication: string,
  domain: string,
  userName = '%EMAILADDRESS%',
): RichMailServer {
  return { id, prio, name, port, type, socketType, authentication, userName, domains: [domain] };
}

// One row per line: id, prio, name, port, type, socket_type, authentication, domain[, user_name].
// prettier-ignore
export const RICH_SERVERS: readonly RichMailServer[] = [
  mail(9001, 10, 'imap-ssl.sockets.example', 993, 'imap', 'ssl', 'PLAIN', SOCKETS),
  mail(9002, 20, 'imap-starttls.sockets.example', 143, 'imap', 'Starttls', 'Password-Cleartext', SOCKETS, '%EMAILLOCALPART%'),
  mail(9003, 30, 'imap-auto.sockets.example', 143, 'imap', 'AUTO', 'secure', SOCKETS),
  mail(9004, 10, 'smtp-starttls.sockets.example', 587, 'smtp', 'starttls', 'plain', SOCKETS),
  mail(9005, 20, 'smtp-ssl.sockets.example', 465, 'smtp', 'Ssl', 'Password-Encrypted', SOCKETS),
  mail(9011, 10, 'IMAP-None.Legacy-Auth.Example', 143, 'imap', 'none', 'NTLM', LEGACY),
  mail(9012, 10, 'pop-plain.legacy-auth.example', 110, 'pop', 'plain', 'plain', LEGACY),
  mail(9013, 20, 'smtp-none.legacy-auth.example', 25, 'smtp', 'None', 'none', LEGACY, ''),
  mail(9014, 30, 'smtp-ntlm.legacy-auth.example', 587, 'smtp', 'STARTTLS', 'ntlm', LEGACY),
  mail(9021, 10, 'imap-port0.ports.example', 0, 'imap', 'SSL', 'plain', PORTS),
  mail(9022, 10, 'smtp-port70000.ports.example', 70000, 'smtp', 'STARTTLS', 'plain', PORTS),
  mail(9023, 5, 'pop-port65536.ports.example', 65536, 'pop', 'SSL', 'plain', PORTS),
  mail(9024, 20, 'imap.ports.example', 993, 'imap', 'SSL', 'plain', PORTS),
  mail(9025, 20, 'smtp.ports.example', 587, 'smtp', 'STARTTLS', 'plain', PORTS),
  mail(9026, 1, 'smtp-negative.ports.example', -1, 'smtp', 'SSL', 'plain', PORTS),
  mail(9031, 10, 'pop.pop-only.example', 995, 'pop', 'Ssl', 'Secure', POP_ONLY),
  mail(9032, 10, 'smtp.pop-only.example', 465, 'smtp', 'SSL', 'PASSWORD-ENCRYPTED', POP_ONLY),
  mail(9041, 10, 'imap.oauth.example', 993, 'imap', 'SSL', 'oauth2', OAUTH),
  mail(9042, 20, 'imap-kerberos.oauth.example', 993, 'imap', 'ssl', 'gssapi', OAUTH),
  mail(9043, 10, 'smtp.oauth.example', 587, 'smtp', 'STARTTLS', 'OAuth2', OAUTH),
  mail(9044, 20, 'smtp-relay.oauth.example', 25, 'smtp', 'starttls', 'Client-IP-Address', OAUTH, ''),
  mail(9045, 30, 'smtp-cert.oauth.example', 465, 'smtp', 'SSL', 'tls-client-cert', OAUTH),
  mail(9051, 10, 'imap.bücher.example', 993, 'imap', 'SSL', 'PLAIN', MUNICH),
  mail(9052, 10, 'smtp.bücher.example', 465, 'smtp', 'ssl', 'plain', MUNICH),
];

export const RICH_DAV_SERVERS: readonly RichDavServer[] = [
  {
    id: 9001,
    url: 'https://dav.sockets.example/calendars/%EMAILADDRESS%/',
    port: 443,
    type: 'caldav',
    useSsl: true,
    domainRequired: false,
    userName: '%EMAILADDRESS%',
    domains: [SOCKETS],
  },
  {
    id: 9002,
    url: 'http://dav.sockets.example:8080/cards/',
    port: 0,
    type: 'carddav',
    useSsl: false,
    domainRequired: true,
    userName: null,
    domains: [SOCKETS],
  },
  {
    id: 9003,
    url: 'https://kalender.bücher.example/kalender/%EMAILADDRESS%/straße/',
    port: 443,
    type: 'caldav',
    useSsl: true,
    domainRequired: false,
    userName: '%EMAILADDRESS%',
    domains: [MUNICH],
  },
  {
    id: 9004,
    url: 'https://dav.example.net/adressbücher/%EMAILLOCALPART%/',
    port: 0,
    type: 'carddav',
    useSsl: true,
    domainRequired: true,
    userName: '%EMAILADDRESS%',
    domains: [MUNICH],
  },
  {
    id: 9005,
    url: 'https://dav-port70000.ports.example/calendars/',
    port: 70000,
    type: 'caldav',
    useSsl: true,
    domainRequired: false,
    userName: '%EMAILADDRESS%',
    domains: [PORTS],
  },
];

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

const sqlText = (value: string | null) =>
  value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
const sqlBoolean = (value: boolean) => (value ? 'TRUE' : 'FALSE');

/**
 * INSERT statements for every row, with explicit ids (9001 and up, clear of the ids the
 * database hands out), for automx2's tables on SQLite, PostgreSQL and MySQL/MariaDB.
 */
export function richDataStatements(): string[] {
  const domainId = (name: string) => RICH_DOMAINS.find((domain) => domain.name === name)!.id;
  return [
    ...RICH_PROVIDERS.map(
      (p) =>
        `INSERT INTO provider (id, name, short_name) VALUES (${p.id}, ${sqlText(p.name)}, ` +
        `${sqlText(p.shortName)})`,
    ),
    ...RICH_DOMAINS.map(
      (d) =>
        `INSERT INTO domain (id, name, provider_id, ldapserver_id) VALUES (${d.id}, ` +
        `${sqlText(d.name)}, ${d.providerId}, NULL)`,
    ),
    ...RICH_SERVERS.map(
      (s) =>
        'INSERT INTO server (id, prio, name, port, type, socket_type, user_name, authentication) ' +
        `VALUES (${s.id}, ${s.prio}, ${sqlText(s.name)}, ${s.port}, ${sqlText(s.type)}, ` +
        `${sqlText(s.socketType)}, ${sqlText(s.userName)}, ${sqlText(s.authentication)})`,
    ),
    ...RICH_DAV_SERVERS.map(
      (s) =>
        'INSERT INTO davserver (id, url, port, type, use_ssl, domain_required, user_name) ' +
        `VALUES (${s.id}, ${sqlText(s.url)}, ${s.port}, ${sqlText(s.type)}, ` +
        `${sqlBoolean(s.useSsl)}, ${sqlBoolean(s.domainRequired)}, ${sqlText(s.userName)})`,
    ),
    ...RICH_SERVERS.flatMap((s) =>
      s.domains.map(
        (name) =>
          `INSERT INTO server_domain (server_id, domain_id) VALUES (${s.id}, ${domainId(name)})`,
      ),
    ),
    ...RICH_DAV_SERVERS.flatMap((s) =>
      s.domains.map(
        (name) =>
          'INSERT INTO davserver_domain (davserver_id, domain_id) ' +
          `VALUES (${s.id}, ${domainId(name)})`,
      ),
    ),
  ];
}

/** Replaces every row of a running app's database with the rich data (plain SQL). */
export async function loadRichData(app: TestApp, db: TestDatabase): Promise<void> {
  await request(app.url).get('/initdb/').expect(200); // creates the tables if needed
  await request(app.url).delete('/initdb/').expect(200);
  for (const statement of richDataStatements()) await db.sql(statement);
}

// ---------------------------------------------------------------------------
// What the rows mean for each client
// ---------------------------------------------------------------------------

const byPrioThenId = (a: RichMailServer, b: RichMailServer) => a.prio - b.prio || a.id - b.id;

/** Every mail server row of the domain, in answer order (prio, then id). */
export function storedServersOf(domain: RichDomain): RichMailServer[] {
  return RICH_SERVERS.filter((s) => s.domains.includes(domain.name)).sort(byPrioThenId);
}

/** The mail servers an answer must contain: ports 1–65535, in answer order. */
export function servedServersOf(domain: RichDomain): RichMailServer[] {
  return storedServersOf(domain).filter((s) => isPortNumber(s.port));
}

/** The DAV servers an answer must contain: port 0 ("not set") or 1–65535, by id. */
export function servedDavServersOf(domain: RichDomain): RichDavServer[] {
  return RICH_DAV_SERVERS.filter(
    (s) => s.domains.includes(domain.name) && (s.port === 0 || isPortNumber(s.port)),
  );
}

/** Stored host names and URLs no answer for the domain may mention. */
export function leftOutNamesOf(domain: RichDomain): string[] {
  return [
    ...storedServersOf(domain)
      .filter((s) => !isPortNumber(s.port))
      .map((s) => s.name),
    ...RICH_DAV_SERVERS.filter(
      (s) => s.domains.includes(domain.name) && s.port !== 0 && !isPortNumber(s.port),
    ).map((s) => new URL(s.url).hostname),
  ];
}

/** Every left-out row of the whole data: what the log must warn about, once each. */
export function leftOutRows(): { readonly name: string }[] {
  return [
    ...RICH_SERVERS.filter((s) => !isPortNumber(s.port)).map((s) => ({ name: s.name })),
    ...RICH_DAV_SERVERS.filter((s) => s.port !== 0 && !isPortNumber(s.port)).map((s) => ({
      name: s.url,
    })),
  ];
}

/** Mozilla's socket type for a stored one (BEHAVIOUR.md §4, case-insensitive). */
export function mozillaSocketTypeOf(stored: string): string {
  switch (encryptionOf(stored)) {
    case 'implicit TLS':
      return 'SSL';
    case 'STARTTLS':
    case 'either':
      return 'STARTTLS';
    case 'none':
      return 'plain';
    case 'unknown':
      return stored;
  }
}

const MOZILLA_AUTHENTICATIONS: ReadonlyMap<string, string> = new Map([
  ['plain', 'password-cleartext'],
  ['password-cleartext', 'password-cleartext'],
  ['secure', 'password-encrypted'],
  ['password-encrypted', 'password-encrypted'],
  ['ntlm', 'NTLM'],
  ['gssapi', 'GSSAPI'],
  ['client-ip-address', 'client-IP-address'],
  ['tls-client-cert', 'TLS-client-cert'],
  ['oauth2', 'OAuth2'],
  ['none', 'none'],
]);

/** Mozilla's authentication word for a stored one (case-insensitive, `plain` → cleartext). */
export function mozillaAuthenticationOf(stored: string): string {
  return MOZILLA_AUTHENTICATIONS.get(stored.trim().toLowerCase()) ?? stored;
}

const K9_SOCKET_TYPES: ReadonlySet<string> = new Set(['SSL', 'STARTTLS']);
const K9_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
]);

/**
 * What K-9 cannot represent in the domain's answer (a `plain` socket type; no
 * password or OAuth2 authentication), as the K-9 checker words it, in its order. These
 * are limitations of the client, which a lint should warn about; anything else is a
 * defect of the answer.
 */
export function expectedK9Limitations(domain: RichDomain): string[] {
  const expected: string[] = [];
  const counts = { incomingServer: 0, outgoingServer: 0 };
  for (const server of servedServersOf(domain)) {
    const element = server.type === 'smtp' ? 'outgoingServer' : 'incomingServer';
    const path = `${element}[${++counts[element]}]`;
    if (server.type === 'pop') continue;
    const socketType = mozillaSocketTypeOf(server.socketType);
    if (!K9_SOCKET_TYPES.has(socketType)) expected.push(`${path}/socketType[1] "${socketType}"`);
    if (!K9_AUTHENTICATIONS.has(mozillaAuthenticationOf(server.authentication))) {
      expected.push(`${path} has no authentication`);
    }
  }
  return expected;
}

/** The URL as clients must receive it: ASCII URLs as stored, others as WHATWG serialises them. */
export function asciiUrlOf(url: string): string {
  return /[\u0080-\uffff]/.test(url) ? new URL(url).href : url;
}

/** A text's placeholders expanded for an address (BEHAVIOUR.md §7). */
export function expandFor(text: string, address: string): string {
  const at = address.lastIndexOf('@');
  return text
    .replaceAll('%EMAILADDRESS%', address)
    .replaceAll('%EMAILLOCALPART%', address.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', address.slice(at + 1));
}

const lower = (text: string | undefined) => text?.toLowerCase();

/** `expect.stringContaining`, typed (Jest's is `any`). */
function containing(fragment: string): unknown {
  const matcher: unknown = expect.stringContaining(fragment);
  return matcher;
}

function expectNoLeftOutServer(document: string, domain: RichDomain): void {
  for (const name of leftOutNamesOf(domain)) {
    expect(document.toLowerCase()).not.toContain(aLabel(name).toLowerCase());
  }
}

// ---------------------------------------------------------------------------
// Autoconfig
// ---------------------------------------------------------------------------

const childText = (node: XmlElement, name: string) =>
  node.children.find((child) => child.name === name)?.text;

/**
 * A clientConfig document for the domain: accepted by Thunderbird's rules, rejected by
 * K-9's for exactly the limitations the rows imply, listing the provider's domains and
 * the served servers as A-labels, in order, in Mozilla's canonical spelling, and
 * mentioning no left-out server.
 */
export function expectAutoconfigAsStored(xml: string, domain: RichDomain): void {
  expect(checkThunderbirdAutoconfig(xml, 'application/xml')).toEqual([]);
  expect(checkK9Autoconfig(xml)).toEqual(expectedK9Limitations(domain).map(containing));
  const root = parseXmlDocument(xml).root!;
  const provider = root.children.find((child) => child.name === 'emailProvider')!;
  const providerDomains = RICH_DOMAINS.filter((d) => d.providerId === domain.providerId);
  expect(
    provider.children.filter((child) => child.name === 'domain').map((d) => lower(d.text)),
  ).toEqual(providerDomains.map((d) => aLabel(d.name).toLowerCase()));
  const servers = provider.children
    .filter((child) => child.name === 'incomingServer' || child.name === 'outgoingServer')
    .map((server) => ({
      type: server.attributes['type'],
      hostname: lower(childText(server, 'hostname')),
      port: childText(server, 'port'),
      socketType: childText(server, 'socketType'),
      authentication: childText(server, 'authentication'),
    }));
  expect(servers).toEqual(
    servedServersOf(domain).map((server) => ({
      type: server.type === 'pop' ? 'pop3' : server.type,
      hostname: aLabel(server.name).toLowerCase(),
      port: String(server.port),
      socketType: mozillaSocketTypeOf(server.socketType),
      authentication: mozillaAuthenticationOf(server.authentication),
    })),
  );
  expectNoLeftOutServer(xml, domain);
}

// ---------------------------------------------------------------------------
// Autodiscover
// ---------------------------------------------------------------------------

const OUTLOOK_TYPES: Readonly<Record<RichMailServer['type'], string>> = {
  imap: 'IMAP',
  pop: 'POP3',
  smtp: 'SMTP',
};
const DAV_TYPES: Readonly<Record<RichDavServer['type'], string>> = {
  caldav: 'CalDAV',
  carddav: 'CardDAV',
};
const OUTLOOK_ENCRYPTION = {
  'implicit TLS': 'SSL',
  STARTTLS: 'TLS',
  either: 'Auto',
  none: 'None',
} as const;

const autodiscoverParser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => name === 'Protocol',
});

/**
 * An Outlook POX answer for the domain: accepted by Thunderbird's rules (compared with
 * the rows) and of MS-OXDSCLI's shape; one Protocol per served server, in order, with
 * the A-label host, the port, `SSL` on unless the server is unencrypted and the
 * `Encryption` Outlook reads; DAV Servers as ASCII URLs; no left-out server.
 */
export function expectAutodiscoverAsStored(xml: string, domain: RichDomain): void {
  const served = servedServersOf(domain);
  expect(checkThunderbirdAutodiscover(xml, { servers: served })).toEqual([]);
  expect(checkOutlookResponseStructure(xml)).toEqual([]);
  const parsed = autodiscoverParser.parse(xml) as {
    Autodiscover: { Response: { Account: { Protocol?: Record<string, unknown>[] } } };
  };
  const protocols = (parsed.Autodiscover.Response.Account.Protocol ?? []).map((protocol) =>
    Object.fromEntries(Object.entries(protocol).map(([key, value]) => [key, String(value)])),
  );
  const mailProtocols = protocols.filter((p) => p.Type !== 'CalDAV' && p.Type !== 'CardDAV');
  expect(
    mailProtocols.map((p) => ({
      Type: p.Type,
      Server: lower(p.Server),
      Port: p.Port,
      SSL: p.SSL,
      Encryption: p.Encryption,
    })),
  ).toEqual(
    served.map((server, index) => {
      const meaning = encryptionOf(server.socketType);
      // An unencrypted server may say `None` or leave Encryption out.
      const noneOrAbsent = mailProtocols[index]?.Encryption === undefined ? undefined : 'None';
      return {
        Type: OUTLOOK_TYPES[server.type],
        Server: aLabel(server.name).toLowerCase(),
        Port: String(server.port),
        SSL: meaning === 'none' ? 'off' : 'on',
        Encryption:
          meaning === 'unknown'
            ? undefined
            : meaning === 'none'
              ? noneOrAbsent
              : OUTLOOK_ENCRYPTION[meaning],
      };
    }),
  );
  expect(
    protocols
      .filter((p) => p.Type === 'CalDAV' || p.Type === 'CardDAV')
      .map((p) => ({ Type: p.Type, Server: p.Server })),
  ).toEqual(
    servedDavServersOf(domain).map((server) => ({
      Type: DAV_TYPES[server.type],
      Server: asciiUrlOf(server.url),
    })),
  );
  expectNoLeftOutServer(xml, domain);
}

// ---------------------------------------------------------------------------
// Apple profile
// ---------------------------------------------------------------------------

/**
 * A profile for the domain and address: valid by Apple's schema and rules (compared
 * with the rows: UseSSL for SSL and STARTTLS), configuring the expected incoming and
 * outgoing server by their A-labels, one DAV payload per served DAV server with an
 * ASCII host and principal URL (placeholders expanded for the address, then
 * serialised as the URL standard does), and no left-out server.
 */
export function expectProfileAsStored(xml: string, domain: RichDomain, address: string): void {
  expect(checkAppleProfile(xml, { mailServers: servedServersOf(domain) })).toEqual([]);
  const values = plistStrings(xml);
  if (domain.profile !== 'may-refuse') {
    expect(lower(values.get('IncomingMailServerHostName'))).toBe(
      aLabel(domain.profile.incoming).toLowerCase(),
    );
    expect(lower(values.get('OutgoingMailServerHostName'))).toBe(
      aLabel(domain.profile.outgoing).toLowerCase(),
    );
  }
  for (const server of servedDavServersOf(domain)) {
    const prefix = server.type === 'caldav' ? 'CalDAV' : 'CardDAV';
    const url = expandFor(server.url, address);
    expect(lower(values.get(`${prefix}HostName`))).toBe(aLabel(new URL(url).hostname));
    expect(values.get(`${prefix}PrincipalURL`)).toBe(asciiUrlOf(url));
  }
  expectNoLeftOutServer(xml, domain);
}

/** Every `<key>K</key><string>V</string>` of a plist, by key (the last one wins). */
function plistStrings(xml: string): Map<string, string> {
  const values = new Map<string, string>();
  const decode = (text: string) =>
    text
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  for (const match of xml.matchAll(/<key>([^<]*)<\/key>\s*<string>([^<]*)<\/string>/g)) {
    values.set(decode(match[1]!), decode(match[2]!));
  }
  return values;
}
