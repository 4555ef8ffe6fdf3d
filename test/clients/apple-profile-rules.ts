/**
 * What Apple's devices require of a configuration profile, encoded from Apple's own
 * schema in the public repository `apple/device-management`, folder `mdm/profiles/`:
 *
 * - `TopLevel.yaml`: the profile dictionary (`PayloadType` Configuration, ...).
 * - `CommonPayloadKeys.yaml`: keys every payload in `PayloadContent` has.
 * - `com.apple.mail.managed.yaml`, `com.apple.caldav.account.yaml`,
 *   `com.apple.carddav.account.yaml`: the payloads our mobileconfig renders.
 *
 * Each rule gives a key's plist type (the YAML `type`), whether it is required (the
 * YAML `presence: required`) and, where the YAML has a `rangelist`, the allowed values.
 * Keys the YAML does not list are reported too (Apple ignores them, so a misspelt key
 * silently does nothing). Only keys the YAML marks for iOS or macOS are listed.
 *
 * On top of the schema (CLIENTS.md, issue 13): host names are ASCII (A-labels), DAV
 * principal URLs are ASCII (A-label host, percent-encoded path), ports are 1–65535, and,
 * given the rows the profile was made from, each mail server's UseSSL is true for a
 * stored SSL or STARTTLS server (false for `None`/`plain`).
 *
 * The plist is read by a small typed reader (over fast-xml-parser) that keeps the
 * element kind, so `<integer>` and `<real>` stay distinct: `plist.parse` would turn both
 * into a JS number
 * (`parseWithPlistPackage` cross-checks with the `plist` package's own parser).
 */
import { parse as parsePlist } from 'plist';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { asciiUrlViolation, asciiViolation, isPortNumber, MAX_PORT } from './host-names';
import { encryptionOf, findStoredServer, type StoredMailServer } from './stored-servers';

// ---------------------------------------------------------------------------
// Typed plist reader
// ---------------------------------------------------------------------------

export type PlistNode =
  | { readonly kind: 'string' | 'date' | 'data'; readonly text: string }
  | { readonly kind: 'integer' | 'real'; readonly text: string; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'array'; readonly items: readonly PlistNode[] }
  | { readonly kind: 'dict'; readonly entries: readonly DictEntry[] };

export type PlistKind = PlistNode['kind'];
export type DictEntry = readonly [key: string, value: PlistNode];
export type DictNode = Extract<PlistNode, { kind: 'dict' }>;

/** The plain JS form of a plist, as `plist.parse` returns it (dates and data as text). */
export type JsValue = string | number | boolean | JsValue[] | { [key: string]: JsValue };

/** One XML node as fast-xml-parser's `preserveOrder` output gives it. */
interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlItem[];
}
type XmlItem = XmlElement | { readonly text: string };

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
});

/** Reads an XML plist document; throws an Error naming the first structural problem. */
export function readPlist(xml: string): PlistNode {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw new Error(`not well-formed XML: ${validation.err.msg}`);
  const parsed: unknown = xmlParser.parse(xml);
  const documentItems = toXmlItems(parsed);
  const plist = elementsOf(documentItems, 'document', true).find((e) => e.name === 'plist');
  if (!plist) throw new Error('no <plist> root element');
  const [value, ...rest] = elementsOf(plist.children, '<plist>');
  if (!value || rest.length > 0) throw new Error('<plist> must hold exactly one value');
  return readValue(value);
}

export function plistToJs(node: PlistNode): JsValue {
  switch (node.kind) {
    case 'string':
    case 'date':
    case 'data':
      return node.text;
    case 'integer':
    case 'real':
    case 'boolean':
      return node.value;
    case 'array':
      return node.items.map(plistToJs);
    case 'dict':
      return Object.fromEntries(node.entries.map(([key, value]) => [key, plistToJs(value)]));
  }
}

/** The value of `key` in a dict node (the first, if the key is duplicated). */
export function dictValue(dict: DictNode, key: string): PlistNode | undefined {
  return dict.entries.find(([k]) => k === key)?.[1];
}

/**
 * Parses with the real `plist` package (plist@5 is ESM-only, so this runs it in a
 * child Node process) and returns what `plist.parse` returns, through JSON.
 */
export function parseWithPlistPackage(xml: string): unknown {
  return parsePlist(xml);
}

function toXmlItems(raw: unknown): XmlItem[] {
  if (!Array.isArray(raw)) throw new Error('unexpected parser output');
  return raw.map(toXmlItem);
}

function toXmlItem(raw: unknown): XmlItem {
  if (typeof raw !== 'object' || raw === null) throw new Error('unexpected parser output');
  const entries = Object.entries(raw as Record<string, unknown>).filter(([name]) => name !== ':@');
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw new Error('unexpected parser output');
  const [name, content] = entry;
  if (name === '#text') return { text: String(content) };
  return { name, children: toXmlItems(content) };
}

function isElement(item: XmlItem): item is XmlElement {
  return 'name' in item;
}

/** The element children; text between them must be whitespace. */
function elementsOf(items: readonly XmlItem[], where: string, lenient = false): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const item of items) {
    if (isElement(item)) elements.push(item);
    else if (!lenient && item.text.trim() !== '') throw new Error(`stray text in ${where}`);
  }
  return elements;
}

function textOf(element: XmlElement): string {
  return element.children
    .map((item) => {
      if (isElement(item)) throw new Error(`<${element.name}> must hold text only`);
      return item.text;
    })
    .join('');
}

function readValue(element: XmlElement): PlistNode {
  switch (element.name) {
    case 'string':
    case 'date':
    case 'data':
      return { kind: element.name, text: textOf(element) };
    case 'integer':
      return readNumber('integer', textOf(element), /^\s*[+-]?\d+\s*$/);
    case 'real':
      return readNumber('real', textOf(element), /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/);
    case 'true':
    case 'false':
      if (element.children.length > 0) throw new Error(`<${element.name}/> must be empty`);
      return { kind: 'boolean', value: element.name === 'true' };
    case 'array':
      return { kind: 'array', items: elementsOf(element.children, '<array>').map(readValue) };
    case 'dict':
      return readDict(element);
    default:
      throw new Error(`<${element.name}> is not a plist value`);
  }
}

function readNumber(kind: 'integer' | 'real', text: string, syntax: RegExp): PlistNode {
  if (!syntax.test(text)) throw new Error(`<${kind}> holds ${JSON.stringify(text)}`);
  return { kind, text, value: Number(text) };
}

function readDict(element: XmlElement): DictNode {
  const children = elementsOf(element.children, '<dict>');
  const entries: DictEntry[] = [];
  for (let i = 0; i < children.length; i += 2) {
    const key = children[i];
    const value = children[i + 1];
    if (key?.name !== 'key') throw new Error('<dict> entries must start with <key>');
    if (!value) throw new Error(`<key>${textOf(key)}</key> has no value`);
    entries.push([textOf(key), readValue(value)]);
  }
  return { kind: 'dict', entries };
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

export interface KeyRule {
  /** The YAML `type` without brackets (`<integer>` → integer, `<boolean>` → boolean). */
  readonly type: PlistKind;
  /** YAML `presence: required`. */
  readonly required?: boolean;
  /** YAML `rangelist`. */
  readonly allowed?: readonly (string | number)[];
  /** What the value must be beyond its type: an ASCII host name or URL, a TCP port. */
  readonly value?: 'host' | 'url' | 'port';
}

export type PayloadRules = Readonly<Record<string, KeyRule>>;

const STRING: KeyRule = { type: 'string' };
const REQUIRED_STRING: KeyRule = { type: 'string', required: true };
const BOOLEAN: KeyRule = { type: 'boolean' };
const HOST: KeyRule = { type: 'string', required: true, value: 'host' };
const URL_STRING: KeyRule = { type: 'string', value: 'url' };
const PORT: KeyRule = { type: 'integer', value: 'port' };
const VERSION_1: KeyRule = { type: 'integer', required: true, allowed: [1] };

/** TopLevel.yaml, `payloadkeys`. */
export const TOP_LEVEL_RULES: PayloadRules = {
  PayloadIdentifier: REQUIRED_STRING,
  PayloadUUID: REQUIRED_STRING,
  PayloadType: { type: 'string', required: true, allowed: ['Configuration'] },
  PayloadVersion: VERSION_1,
  IsEncrypted: BOOLEAN,
  PayloadContent: { type: 'array', required: true },
  EncryptedPayloadContent: { type: 'data' },
  PayloadDescription: STRING,
  PayloadDisplayName: STRING,
  HasRemovalPasscode: BOOLEAN,
  PayloadOrganization: STRING,
  PayloadRemovalDisallowed: BOOLEAN,
  PayloadScope: { type: 'string', allowed: ['System', 'User'] },
  RemovalDate: { type: 'date' },
  DurationUntilRemoval: { type: 'real' },
  PayloadExpirationDate: { type: 'date' },
  TargetDeviceType: { type: 'integer', allowed: [0, 1, 2, 3, 4, 5] },
  ConsentText: { type: 'dict' },
};

/** CommonPayloadKeys.yaml, `payloadkeys`: every item of PayloadContent. */
export const COMMON_PAYLOAD_RULES: PayloadRules = {
  PayloadIdentifier: REQUIRED_STRING,
  PayloadUUID: REQUIRED_STRING,
  PayloadType: REQUIRED_STRING,
  PayloadVersion: VERSION_1,
  PayloadDescription: STRING,
  PayloadDisplayName: STRING,
  PayloadOrganization: STRING,
};

/** com.apple.mail.managed.yaml: rangelist of both *MailServerAuthentication keys. */
export const MAIL_AUTHENTICATION_VALUES = [
  'EmailAuthNone',
  'EmailAuthPassword',
  'EmailAuthCRAMMD5',
  'EmailAuthNTLM',
  'EmailAuthHTTPMD5',
] as const;

/** com.apple.mail.managed.yaml, `payloadkeys`. */
const MAIL_RULES: PayloadRules = {
  EmailAccountDescription: STRING,
  EmailAccountName: STRING,
  EmailAccountType: {
    type: 'string',
    required: true,
    allowed: ['EmailTypeIMAP', 'EmailTypePOP'],
  },
  EmailAddress: STRING,
  IncomingMailServerAuthentication: {
    type: 'string',
    required: true,
    allowed: MAIL_AUTHENTICATION_VALUES,
  },
  IncomingMailServerHostName: HOST,
  IncomingMailServerPortNumber: PORT,
  IncomingMailServerUseSSL: BOOLEAN,
  IncomingMailServerUsername: STRING,
  IncomingPassword: STRING,
  OutgoingPassword: STRING,
  OutgoingPasswordSameAsIncomingPassword: BOOLEAN,
  OutgoingMailServerAuthentication: {
    type: 'string',
    required: true,
    allowed: MAIL_AUTHENTICATION_VALUES,
  },
  OutgoingMailServerHostName: HOST,
  OutgoingMailServerPortNumber: PORT,
  OutgoingMailServerUseSSL: BOOLEAN,
  OutgoingMailServerUsername: STRING,
  PreventMove: BOOLEAN,
  PreventAppSheet: BOOLEAN,
  SMIMEEnabled: BOOLEAN,
  SMIMESigningEnabled: BOOLEAN,
  SMIMESigningCertificateUUID: STRING,
  SMIMEEncryptionEnabled: BOOLEAN,
  SMIMEEncryptionCertificateUUID: STRING,
  SMIMEEnablePerMessageSwitch: BOOLEAN,
  disableMailRecentsSyncing: BOOLEAN,
  allowMailDrop: BOOLEAN,
  IncomingMailServerIMAPPathPrefix: STRING,
  SMIMESigningUserOverrideable: BOOLEAN,
  SMIMESigningCertificateUUIDUserOverrideable: BOOLEAN,
  SMIMEEncryptByDefault: BOOLEAN,
  SMIMEEncryptByDefaultUserOverrideable: BOOLEAN,
  SMIMEEncryptionCertificateUUIDUserOverrideable: BOOLEAN,
  SMIMEEnableEncryptionPerMessageSwitch: BOOLEAN,
  VPNUUID: STRING,
};

/**
 * com.apple.caldav.account.yaml and com.apple.carddav.account.yaml share their keys
 * but for the prefix; CardDAV adds CommunicationServiceRules.
 */
function davRules(prefix: 'CalDAV' | 'CardDAV'): PayloadRules {
  return {
    [`${prefix}AccountDescription`]: STRING,
    [`${prefix}HostName`]: HOST,
    [`${prefix}Username`]: STRING,
    [`${prefix}Password`]: STRING,
    [`${prefix}PrincipalURL`]: URL_STRING,
    [`${prefix}UseSSL`]: BOOLEAN,
    [`${prefix}Port`]: PORT,
    VPNUUID: STRING,
  };
}

export const PAYLOAD_RULES: ReadonlyMap<string, PayloadRules> = new Map([
  ['com.apple.mail.managed', MAIL_RULES],
  ['com.apple.caldav.account', davRules('CalDAV')],
  [
    'com.apple.carddav.account',
    { ...davRules('CardDAV'), CommunicationServiceRules: { type: 'dict' } },
  ],
]);

// ---------------------------------------------------------------------------
// Checker
// ---------------------------------------------------------------------------

/** The database rows the profile was made from, for the rules that compare with them. */
export interface AppleProfileContext {
  /**
   * The domain's `server` rows: the mail payload's incoming and outgoing server must be
   * among them, with UseSSL true for a stored SSL or STARTTLS server (any spelling) and
   * false or absent for `None`/`plain`.
   */
  readonly mailServers?: readonly StoredMailServer[];
}

const MAIL_DIRECTIONS = [
  { prefix: 'IncomingMailServer', types: ['imap', 'pop'] },
  { prefix: 'OutgoingMailServer', types: ['smtp'] },
] as const;

/** Every way the profile breaks the rules above; empty means valid. */
export function checkAppleProfile(xml: string, context: AppleProfileContext = {}): string[] {
  let root: PlistNode;
  try {
    root = readPlist(xml);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  if (root.kind !== 'dict') return [`profile: expected <dict>, found <${root.kind}>`];
  const violations = checkDict('profile', root, TOP_LEVEL_RULES);
  const payloads = payloadsOf(root);
  payloads.forEach((payload, i) =>
    violations.push(...checkPayload(`PayloadContent[${i}]`, payload, context)),
  );
  const dicts = payloads.filter((p): p is DictNode => p.kind === 'dict');
  violations.push(...duplicatesOf('PayloadUUID', [root, ...dicts]));
  violations.push(...duplicatesOf('PayloadIdentifier', dicts));
  return violations;
}

function payloadsOf(root: DictNode): readonly PlistNode[] {
  const content = dictValue(root, 'PayloadContent');
  return content?.kind === 'array' ? content.items : [];
}

function checkPayload(where: string, payload: PlistNode, context: AppleProfileContext): string[] {
  if (payload.kind !== 'dict') return [`${where}: expected <dict>, found <${payload.kind}>`];
  const type = dictValue(payload, 'PayloadType');
  const typeName = type?.kind === 'string' ? type.text : undefined;
  const specific = typeName === undefined ? undefined : PAYLOAD_RULES.get(typeName);
  const label = typeName === undefined ? where : `${where} (${typeName})`;
  const violations = checkDict(label, payload, { ...COMMON_PAYLOAD_RULES, ...specific }, !specific);
  if (typeName !== undefined && !specific) {
    violations.push(`${label}: no rules for PayloadType ${JSON.stringify(typeName)}`);
  }
  if (typeName === 'com.apple.mail.managed' && context.mailServers !== undefined) {
    violations.push(...checkMailServersAgainstRows(label, payload, context.mailServers));
  }
  return violations;
}

/** Each direction names a stored server, and says UseSSL as its stored socket type does. */
function checkMailServersAgainstRows(
  label: string,
  mail: DictNode,
  servers: readonly StoredMailServer[],
): string[] {
  const violations: string[] = [];
  for (const { prefix, types } of MAIL_DIRECTIONS) {
    const host = dictValue(mail, `${prefix}HostName`);
    if (host?.kind !== 'string') continue;
    const portNode = dictValue(mail, `${prefix}PortNumber`);
    const port = portNode?.kind === 'integer' ? portNode.value : undefined;
    const stored = findStoredServer(servers, types, host.text, port);
    const named = `${prefix}HostName ${JSON.stringify(host.text)}${port === undefined ? '' : `:${port}`}`;
    if (stored === undefined) {
      violations.push(
        `${label}: ${named} is none of the ${types.join('/')} rows the profile should be made from`,
      );
      continue;
    }
    const meaning = encryptionOf(stored.socketType);
    if (meaning === 'either' || meaning === 'unknown') continue;
    const useSsl = dictValue(mail, `${prefix}UseSSL`);
    const actual = useSsl?.kind === 'boolean' ? useSsl.value : false;
    const expected = meaning !== 'none';
    if (actual !== expected) {
      violations.push(
        `${label}.${prefix}UseSSL: ${String(actual)} for the stored socket type ` +
          `${JSON.stringify(stored.socketType)} of ${named}: expected ${String(expected)} ` +
          '(UseSSL is true for both SSL and STARTTLS)',
      );
    }
  }
  return violations;
}

function checkDict(
  where: string,
  dict: DictNode,
  rules: PayloadRules,
  allowUnknown = false,
): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of dict.entries) {
    if (seen.has(key)) violations.push(`${where}: duplicate key ${key}`);
    seen.add(key);
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (rule) violations.push(...checkValue(`${where}.${key}`, value, rule));
    else if (!allowUnknown) violations.push(`${where}: unknown key ${key}`);
  }
  for (const [key, rule] of Object.entries(rules)) {
    if (rule.required && !seen.has(key)) violations.push(`${where}: missing required key ${key}`);
  }
  return violations;
}

function checkValue(where: string, value: PlistNode, rule: KeyRule): string[] {
  if (value.kind !== rule.type) return [`${where}: expected <${rule.type}>, found <${value.kind}>`];
  const scalar = scalarOf(value);
  if (rule.allowed && (scalar === undefined || !rule.allowed.includes(scalar))) {
    return [`${where}: ${JSON.stringify(scalar)} is not one of ${JSON.stringify(rule.allowed)}`];
  }
  const problem = valueProblem(value, rule.value);
  return problem === undefined ? [] : [`${where}: ${problem}`];
}

function valueProblem(value: PlistNode, kind: KeyRule['value']): string | undefined {
  switch (kind) {
    case undefined:
      return undefined;
    case 'host':
      return value.kind === 'string' ? asciiViolation(value.text) : undefined;
    case 'url':
      return value.kind === 'string' ? asciiUrlViolation(value.text) : undefined;
    case 'port':
      return value.kind === 'integer' && !isPortNumber(value.value)
        ? `${value.value} is not a port from 1 to ${MAX_PORT}`
        : undefined;
  }
}

function scalarOf(value: PlistNode): string | number | undefined {
  if (value.kind === 'string') return value.text;
  if (value.kind === 'integer' || value.kind === 'real') return value.value;
  return undefined;
}

function duplicatesOf(key: string, dicts: readonly DictNode[]): string[] {
  const counts = new Map<string, number>();
  for (const dict of dicts) {
    const value = dictValue(dict, key);
    if (value?.kind === 'string') counts.set(value.text, (counts.get(value.text) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([value]) => `${key} ${JSON.stringify(value)} is used by more than one payload`);
}
