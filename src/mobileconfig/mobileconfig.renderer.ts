/**
 * Renders the Apple configuration profile (.mobileconfig) of BEHAVIOUR.md §6: one
 * com.apple.mail.managed payload, then one CalDAV/CardDAV payload per DAV server.
 *
 * Pure: no I/O, no clock; UUIDs come from `input.uuid` (default: crypto.randomUUID).
 *
 * Output, written by the `plist` package (`build` with `pretty: false`):
 * `<?xml version="1.0" encoding="UTF-8"?>` and Apple's plist DOCTYPE, then the plist,
 * all on one line with no whitespace between elements (so none between a `<key>` and
 * its value). Integers are written `<integer>`, booleans `<true/>` / `<false/>`. All
 * text is escaped by the library. (plist 3.x: 5.x is ESM-only and cannot be loaded by
 * this CommonJS build.)
 *
 * Placeholders (§7): every string taken from stored data, the directory or the `name`
 * parameter is expanded exactly once; strings we compose from the normalised address
 * are not expanded again (a local part like `%EMAILDOMAIN%` stays literal), and the
 * password is the user's secret and is never expanded.
 */
import { createHash, randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { Injectable } from '@nestjs/common';
import { build, type PlistValue as LibraryValue } from 'plist';
import { DomainError } from '../common/domain-error';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry, EmailAddress } from '../mail-settings/mailbox';
import { asciiHostname, asciiUrl } from '../mail-settings/ascii-names';
import { appleAuthentication, isEncrypted, socketTypeOf } from '../mail-settings/client-vocabulary';
import { expandPlaceholders } from '../mail-settings/placeholders';

export interface MobileconfigInput {
  readonly settings: DomainSettings;
  readonly address: EmailAddress;
  /** The `name` query parameter. */
  readonly displayName?: string;
  /** Already permitted by the caller (PERMIT_CLEARTEXT_PASSWORDS). */
  readonly password?: string;
  readonly directory?: DirectoryEntry;
  /** 32 lowercase hex digits per call; injectable for tests. */
  readonly uuid?: () => string;
  /** The top-level PayloadIdentifier; default {@link profileIdentifier} of the address. */
  readonly payloadIdentifier?: string;
}

/** A value as this module writes it; numbers are integers; `undefined` omits the key. */
export type PlistValue = string | number | boolean | readonly PlistValue[] | PlistDict;
export interface PlistDict {
  readonly [key: string]: PlistValue | undefined;
}

/** Characters XML 1.0 cannot carry at all (controls, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `scheme://[userinfo@]host:PORT` followed by a path, query, fragment or the end. */
const URL_AUTHORITY_PORT =
  /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d{1,5})(?:[/?#]|$)/;

interface DavKind {
  /** Key prefix, `CalDAV` or `CardDAV`. */
  readonly prefix: string;
  readonly payloadType: string;
}

const DAV_KINDS: ReadonlyMap<string, DavKind> = new Map([
  ['caldav', { prefix: 'CalDAV', payloadType: 'com.apple.caldav.account' }],
  ['carddav', { prefix: 'CardDAV', payloadType: 'com.apple.carddav.account' }],
]);

/** What the payload builders share for one request. */
interface RenderContext {
  readonly address: EmailAddress;
  readonly expand: (text: string) => string;
  readonly uid: string | undefined;
  readonly password: string | undefined;
  readonly uuid: () => string;
}

@Injectable()
export class MobileconfigRenderer {
  render(input: MobileconfigInput): string {
    return renderMobileconfig(input);
  }
}

export function renderMobileconfig(input: MobileconfigInput): string {
  return buildPlistXml(profileDict(input));
}

/**
 * The top-level PayloadIdentifier, stable per mailbox so that installing a new profile
 * replaces the old one: `automx2-` + the first 32 hex digits of SHA-256 over the
 * normalised address lower-cased, with the domain in its ASCII (punycode) form so the
 * Unicode and punycode spellings of an IDN give the same identifier.
 */
export function profileIdentifier(address: EmailAddress): string {
  const domain = domainToASCII(address.domain) || address.domain;
  const key = `${address.localPart}@${domain}`.toLowerCase();
  return `automx2-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}`;
}

/** Serialises `value` as a complete plist document (see the file comment for the form). */
export function buildPlistXml(value: PlistValue): string {
  return build(toLibraryValue(value), { pretty: false });
}

export function defaultUuid(): string {
  return randomUUID().replace(/-/g, '');
}

function profileDict(input: MobileconfigInput): PlistDict {
  const { address, settings } = input;
  const context: RenderContext = {
    address,
    expand: (text) => expandPlaceholders(text, address),
    uid: nonEmpty(input.directory?.uid),
    password: nonEmpty(input.password),
    uuid: input.uuid ?? defaultUuid,
  };
  const profileUuid = context.uuid();
  const mail = mailPayload(input, context);
  const dav = settings.davServers.flatMap<PlistDict>((server) => davPayload(server, context) ?? []);
  return {
    PayloadContent: [mail, ...dav],
    PayloadDisplayName: `${address.domain} accounts`,
    PayloadIdentifier: input.payloadIdentifier ?? profileIdentifier(address),
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: profileUuid,
    PayloadVersion: 1,
  };
}

// ---------------------------------------------------------------------------
// Mail payload
// ---------------------------------------------------------------------------

function mailPayload(input: MobileconfigInput, context: RenderContext): PlistDict {
  const { incoming, outgoing } = chooseMailServers(input.settings.servers);
  const address = context.address.address;
  const uuid = context.uuid();
  return {
    // BEHAVIOUR.md does not say; upstream automx2 (generators/apple.py) uses the address.
    EmailAccountDescription: address,
    EmailAccountName: accountName(input, context),
    EmailAccountType: incoming.type === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
    EmailAddress: address,
    ...serverKeys('Incoming', incoming, context),
    IncomingPassword: context.password,
    ...serverKeys('Outgoing', outgoing, context),
    // Key name from apple/device-management com.apple.mail.managed.yaml.
    OutgoingPassword: context.password,
    OutgoingPasswordSameAsIncomingPassword: true,
    PayloadDescription: `Email account ${address}`,
    PayloadDisplayName: context.address.domain,
    PayloadIdentifier: `com.apple.mail.managed.${uuid}`,
    PayloadType: 'com.apple.mail.managed',
    PayloadUUID: uuid,
    PayloadVersion: 1,
  };
}

/** One incoming (IMAP, else POP) and one outgoing server: a mail payload holds no more. */
function chooseMailServers(servers: readonly MailServer[]): {
  incoming: MailServer;
  outgoing: MailServer;
} {
  if (servers.length === 0) throw new DomainError('UNSUPPORTED_DATA', 'No servers for domain');
  const incoming = preferredServer(servers, 'imap') ?? preferredServer(servers, 'pop');
  if (!incoming) throw new DomainError('UNSUPPORTED_DATA', 'No IMAP or POP server for domain');
  const outgoing = preferredServer(servers, 'smtp');
  if (!outgoing) throw new DomainError('UNSUPPORTED_DATA', 'No SMTP server for domain');
  return { incoming, outgoing };
}

/** The first encrypted server of the type (SSL, STARTTLS, Auto), else the first of the type. */
function preferredServer(servers: readonly MailServer[], type: string): MailServer | undefined {
  const ofType = servers.filter((server) => server.type === type);
  const encrypted = (server: MailServer) => (socketTypeOf(server.socketType) ?? 'None') !== 'None';
  return ofType.find(encrypted) ?? ofType[0];
}

function accountName(input: MobileconfigInput, context: RenderContext): string | undefined {
  const name = nonEmpty(input.displayName) ?? nonEmpty(input.directory?.cn);
  return name === undefined ? undefined : context.expand(name);
}

function serverKeys(
  direction: 'Incoming' | 'Outgoing',
  server: MailServer,
  context: RenderContext,
): PlistDict {
  const prefix = `${direction}MailServer`;
  return {
    [`${prefix}Authentication`]: profileAuthentication(server.authentication),
    [`${prefix}HostName`]: asciiHostname(context.expand(server.name)),
    [`${prefix}PortNumber`]: server.port >= 1 ? server.port : undefined,
    [`${prefix}UseSSL`]: isEncrypted(server.socketType),
    [`${prefix}Username`]: nonEmpty(context.expand(context.uid ?? server.userName)),
  };
}

function profileAuthentication(stored: string): string {
  const mapped = appleAuthentication(stored);
  if (mapped === undefined) throw new DomainError('UNSUPPORTED_DATA', 'Unsupported authentication');
  return mapped;
}

// ---------------------------------------------------------------------------
// DAV payloads
// ---------------------------------------------------------------------------

/** A CalDAV/CardDAV payload, or undefined for an unknown type or a URL without a host. */
function davPayload(server: DavServer, context: RenderContext): PlistDict | undefined {
  const kind = DAV_KINDS.get(server.type);
  if (!kind) return undefined;
  const url = asciiUrl(context.expand(server.url));
  const host = hostOf(url);
  if (!host) return undefined;
  const { prefix, payloadType } = kind;
  const address = context.address.address;
  const uuid = context.uuid();
  return {
    [`${prefix}AccountDescription`]: `${address} (${prefix})`,
    [`${prefix}HostName`]: host,
    [`${prefix}Username`]: davUsername(server, context),
    [`${prefix}UseSSL`]: server.useSsl,
    [`${prefix}Port`]: server.port >= 1 ? server.port : explicitPort(url),
    [`${prefix}PrincipalURL`]: url,
    PayloadDescription: `${prefix} account ${address}`,
    PayloadDisplayName: context.address.domain,
    PayloadIdentifier: `${payloadType}.${uuid}`,
    PayloadType: payloadType,
    PayloadUUID: uuid,
    PayloadVersion: 1,
  };
}

/**
 * The stored user name, replaced by the directory uid when known (as for mail servers);
 * none when the server has none. (A uid given where the data has no user name would
 * also tell `ldap_no_match = generic` callers that the directory knows the address.)
 */
function davUsername(server: DavServer, context: RenderContext): string | undefined {
  const stored = nonEmpty(server.userName ?? undefined);
  if (stored === undefined) return undefined;
  return nonEmpty(context.expand(context.uid ?? stored));
}

function hostOf(url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return nonEmpty(hostname.replace(/^\[(.*)\]$/, '$1'));
}

/**
 * The port written in the URL's authority, including a scheme's default port
 * (`https://h:443/`), which the WHATWG URL parser would drop.
 */
function explicitPort(url: string): number | undefined {
  const digits = URL_AUTHORITY_PORT.exec(url)?.[1];
  const port = digits === undefined ? NaN : Number(digits);
  return port >= 1 && port <= 65535 ? port : undefined;
}

// ---------------------------------------------------------------------------
// Plist writer
// ---------------------------------------------------------------------------

/** Drops absent keys, checks integers and makes every string XML-safe. */
function toLibraryValue(value: PlistValue): LibraryValue {
  if (typeof value === 'string') return xmlText(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Not a plist integer: ${value}`);
    return value;
  }
  if (typeof value === 'boolean') return value;
  if (isList(value)) return value.map(toLibraryValue);
  const dict: Record<string, LibraryValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) dict[xmlText(key)] = toLibraryValue(item);
  }
  return dict;
}

function isList(value: PlistValue): value is readonly PlistValue[] {
  return Array.isArray(value);
}

/** Replaces what XML cannot represent with U+FFFD; escaping is left to xmlbuilder2. */
function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
