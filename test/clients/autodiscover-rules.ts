/**
 * Clean-room checkers for Autodiscover (POX) responses, written from the rules in
 * spec/CLIENTS.md ("Autodiscover (POX) output rules"), Thunderbird's
 * `ExchangeAutoDiscover.sys.mjs` (`readAutoDiscoverXML`) and the mobilesync response
 * schema of MS-ASCMD (AutodiscoverMobileSync.xsd). Each returns the violated rules; an
 * empty list means the client would accept the document. The namespaces are spelled
 * out here on purpose instead of imported from the product code.
 */
import { asciiViolation, isPort, MAX_PORT } from './host-names';
import {
  encryptionOf,
  findStoredServer,
  isSpaAuthentication,
  type Encryption,
  type StoredMailServer,
} from './stored-servers';
import { childrenNamed, parseXmlDocument, type XmlElement } from './xml-tree';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

const INCOMING_TYPES: ReadonlySet<string> = new Set(['IMAP', 'POP3']);
const OUTGOING_TYPES: ReadonlySet<string> = new Set(['SMTP']);
const MAIL_TYPES: ReadonlySet<string> = new Set([...INCOMING_TYPES, ...OUTGOING_TYPES]);
/** Protocol `Type` → the stored `server.type` it is rendered from. */
const STORED_TYPES: Readonly<Record<string, string>> = { IMAP: 'imap', POP3: 'pop', SMTP: 'smtp' };
/** `Encryption` values that mean "encrypted": Thunderbird then needs `SSL` on. */
const ENCRYPTED: ReadonlySet<string> = new Set(['SSL', 'TLS', 'Auto']);
/** The `Encryption` Outlook must read for each stored socket type (none: may be absent). */
const OUTLOOK_ENCRYPTION: Readonly<Record<Exclude<Encryption, 'unknown'>, string>> = {
  'implicit TLS': 'SSL',
  STARTTLS: 'TLS',
  either: 'Auto',
  none: 'None',
};

/** Children of the mobilesync `Response`, in schema (sequence) order. */
const MOBILESYNC_RESPONSE_CHILDREN = ['Culture', 'User', 'Action'] as const;
/** Children of the mobilesync `Action/Error` (an `xs:all`: any order, each at most once). */
const MOBILESYNC_ERROR_CHILDREN: ReadonlySet<string> = new Set([
  'Status',
  'Message',
  'DebugData',
  'ErrorCode',
]);
const MOBILESYNC_ERROR_CODES: ReadonlySet<string> = new Set(['600', '601']);

/** The database rows the document was made from, for the rules that compare with them. */
export interface AutodiscoverContext {
  /** The domain's `server` rows; every mail Protocol must name one of them. */
  readonly servers?: readonly StoredMailServer[];
}

/**
 * Thunderbird (desktop) reading an Outlook POX response: it matches element names, so
 * default namespaces only; an email account with settings; an incoming and an SMTP
 * server whenever mail servers are offered; every mail Protocol complete, with an ASCII
 * Server (its sanitizer drops a U-label host), a port from 1 to 65535, a LoginName
 * (else it assumes the address), `SSL` on whenever `Encryption` says the server is
 * encrypted (`SSL` off means no encryption at all to Thunderbird, which then sends the
 * password in the clear) and SPA off (else it picks NTLM/Kerberos).
 *
 * With `context.servers`, each mail Protocol is also compared with the row it names:
 * `SSL` off exactly for a stored `None`/`plain` server, the `Encryption` Outlook reads
 * (`SSL`, `TLS` for STARTTLS, `Auto`, `None`), and SPA off unless the stored
 * authentication is NTLM or GSSAPI (where `on` is what the data says).
 */
export function checkThunderbirdAutodiscover(
  xml: string,
  context: AutodiscoverContext = {},
): string[] {
  const document = parseXmlDocument(xml);
  if (document.root === undefined) return [...document.violations];
  const root = document.root;
  const violations = [...prefixedNames(root), ...checkRoot(root)];
  const response = onlyChild(root, 'Response', violations);
  if (response === undefined) return violations;
  if (response.namespace !== OUTLOOK_NS) {
    violations.push(`${response.path} is in namespace "${response.namespace}", not ${OUTLOOK_NS}`);
  }
  const account = onlyChild(response, 'Account', violations);
  if (account === undefined) return violations;
  violations.push(...checkText(account, 'AccountType', 'email'));
  violations.push(...checkText(account, 'Action', 'settings'));
  violations.push(...checkMailProtocols(childrenNamed(account, 'Protocol'), context));
  return violations;
}

/**
 * The mobilesync error document (MS-ASCMD): Response in the mobilesync namespace with
 * Culture?, User? (with EMailAddress), Action in that order; Action holds one Error and
 * nothing else; Error has a non-success Status, a Message and ErrorCode 600 or 601.
 */
export function checkMobilesyncError(xml: string): string[] {
  const document = parseXmlDocument(xml);
  if (document.root === undefined) return [...document.violations];
  const root = document.root;
  const violations = [...prefixedNames(root), ...checkRoot(root)];
  const response = onlyChild(root, 'Response', violations);
  if (response === undefined) return violations;
  if (response.namespace !== MOBILESYNC_NS) {
    violations.push(
      `${response.path} is in namespace "${response.namespace}", not ${MOBILESYNC_NS}`,
    );
  }
  violations.push(...checkMobilesyncResponseChildren(response));
  for (const user of childrenNamed(response, 'User')) violations.push(...checkMobilesyncUser(user));
  const action = onlyChild(response, 'Action', violations);
  if (action === undefined) return violations;
  const others = action.children.filter((child) => child.name !== 'Error');
  if (others.length > 0) {
    violations.push(`${action.path} has ${names(others)} besides Error`);
  }
  const error = onlyChild(action, 'Error', violations);
  if (error !== undefined) violations.push(...checkMobilesyncErrorElement(error));
  return violations;
}

// ---- shared -----------------------------------------------------------------------------

function checkRoot(root: XmlElement): string[] {
  const violations: string[] = [];
  if (root.name !== 'Autodiscover')
    violations.push(`root element is <${root.name}>, not <Autodiscover>`);
  if (root.attributes['xmlns'] !== RESPONSE_NS) {
    violations.push(`${root.path} has no default xmlns="${RESPONSE_NS}"`);
  }
  return violations;
}

function prefixedNames(element: XmlElement): string[] {
  const own = element.name.includes(':') ? [`${element.path} has a namespace prefix`] : [];
  return [...own, ...element.children.flatMap((child) => prefixedNames(child))];
}

/** The single child of that name; otherwise records a violation and returns undefined. */
function onlyChild(parent: XmlElement, name: string, violations: string[]): XmlElement | undefined {
  const matches = childrenNamed(parent, name);
  if (matches.length !== 1) {
    violations.push(`${parent.path} has ${matches.length} ${name} elements, not 1`);
    return undefined;
  }
  return matches[0];
}

function checkText(parent: XmlElement, name: string, expected: string): string[] {
  const matches = childrenNamed(parent, name);
  if (matches.length !== 1) return [`${parent.path} has ${matches.length} ${name} elements, not 1`];
  const [element] = matches;
  return element === undefined || element.text === expected
    ? []
    : [`${element.path} is "${element.text}", not "${expected}"`];
}

function names(elements: readonly XmlElement[]): string {
  return elements.map((element) => element.name).join(', ');
}

// ---- Outlook / Thunderbird ---------------------------------------------------------------

function checkMailProtocols(
  protocols: readonly XmlElement[],
  context: AutodiscoverContext,
): string[] {
  const violations: string[] = [];
  const types = protocols.map((protocol) => childrenNamed(protocol, 'Type')[0]?.text);
  protocols.forEach((protocol, index) => {
    const type = types[index];
    if (type === undefined) violations.push(`${protocol.path} has no Type`);
    else if (MAIL_TYPES.has(type)) violations.push(...checkMailProtocol(protocol, type, context));
  });
  const mailTypes = types.filter(
    (type): type is string => type !== undefined && MAIL_TYPES.has(type),
  );
  if (mailTypes.length > 0 && !mailTypes.some((type) => INCOMING_TYPES.has(type))) {
    violations.push('mail Protocols are offered, but none of Type IMAP or POP3');
  }
  if (mailTypes.length > 0 && !mailTypes.some((type) => OUTGOING_TYPES.has(type))) {
    violations.push('mail Protocols are offered, but none of Type SMTP');
  }
  return violations;
}

function checkMailProtocol(
  protocol: XmlElement,
  type: string,
  context: AutodiscoverContext,
): string[] {
  const violations: string[] = [];
  for (const name of ['Type', 'Server', 'Port', 'LoginName', 'SPA']) {
    const count = childrenNamed(protocol, name).length;
    if (count !== 1) violations.push(`${protocol.path} has ${count} ${name} elements, not 1`);
  }
  const server = childrenNamed(protocol, 'Server')[0];
  if (server !== undefined && server.text.trim() === '') violations.push(`${server.path} is empty`);
  const ascii = server === undefined ? undefined : asciiViolation(server.text);
  if (server !== undefined && ascii !== undefined) {
    violations.push(`${server.path} ${ascii}: Thunderbird drops the server`);
  }
  const port = childrenNamed(protocol, 'Port')[0];
  if (port !== undefined && !isPort(port.text)) {
    violations.push(`${port.path} "${port.text}" is not an integer from 1 to ${MAX_PORT}`);
  }
  const security = checkSslAndEncryption(protocol);
  violations.push(...security);
  const stored =
    context.servers === undefined || server === undefined
      ? undefined
      : storedServerOf(protocol, type, server.text, port?.text, context.servers, violations);
  if (stored !== undefined && security.length === 0) {
    violations.push(...checkSecurityAgainstRow(protocol, stored));
  }
  const spa = childrenNamed(protocol, 'SPA')[0];
  const spaOnAllowed = stored !== undefined && isSpaAuthentication(stored.authentication);
  if (spa !== undefined && spa.text !== 'off' && !(spaOnAllowed && spa.text === 'on')) {
    violations.push(
      `${spa.path} is "${spa.text}", not "off" (Thunderbird would use NTLM/Kerberos instead of ` +
        'the password)',
    );
  }
  return violations;
}

/**
 * Thunderbird reads `SSL` off (or `Encryption` None) as "no encryption" and otherwise
 * guesses TLS or STARTTLS from the port: `Encryption` SSL, TLS or Auto needs `SSL` on,
 * and `Encryption` None contradicts `SSL` on.
 */
function checkSslAndEncryption(protocol: XmlElement): string[] {
  const ssl = childrenNamed(protocol, 'SSL')[0]?.text;
  const encryption = childrenNamed(protocol, 'Encryption')[0]?.text;
  if (encryption !== undefined && ENCRYPTED.has(encryption) && ssl !== 'on') {
    const consequence =
      ssl === undefined
        ? 'no SSL element (send <SSL>on</SSL>; Thunderbird would guess from the port)'
        : `SSL "${ssl}": Thunderbird then uses no encryption at all and sends the password ` +
          'in the clear (send <SSL>on</SSL>)';
    return [`${protocol.path} has Encryption "${encryption}" but ${consequence}`];
  }
  if (encryption === 'None' && ssl === 'on') {
    return [`${protocol.path} has SSL "on" but Encryption "None": the two contradict each other`];
  }
  return [];
}

/** The stored row a mail Protocol names, or undefined (recording a violation). */
function storedServerOf(
  protocol: XmlElement,
  type: string,
  host: string,
  port: string | undefined,
  servers: readonly StoredMailServer[],
  violations: string[],
): StoredMailServer | undefined {
  const storedType = STORED_TYPES[type] ?? type;
  const portNumber = port !== undefined && isPort(port) ? Number(port) : undefined;
  const stored = findStoredServer(servers, [storedType], host, portNumber);
  if (stored === undefined) {
    violations.push(
      `${protocol.path} (${type} ${host}:${port ?? ''}) is none of the rows the answer should be made from`,
    );
  }
  return stored;
}

/** `SSL` and `Encryption` as the stored socket type says (a stored spelling in any case). */
function checkSecurityAgainstRow(protocol: XmlElement, stored: StoredMailServer): string[] {
  const meaning = encryptionOf(stored.socketType);
  if (meaning === 'unknown') return [];
  const violations: string[] = [];
  const ssl = childrenNamed(protocol, 'SSL')[0]?.text;
  const expectedSsl = meaning === 'none' ? 'off' : 'on';
  if (ssl !== expectedSsl) {
    violations.push(
      `${protocol.path} has SSL "${ssl ?? ''}" for the stored socket type ` +
        `"${stored.socketType}" (${meaning}): expected "${expectedSsl}"`,
    );
  }
  const encryption = childrenNamed(protocol, 'Encryption')[0]?.text;
  const expected = OUTLOOK_ENCRYPTION[meaning];
  if (encryption !== expected && !(meaning === 'none' && encryption === undefined)) {
    violations.push(
      `${protocol.path} has Encryption "${encryption ?? ''}" for the stored socket type ` +
        `"${stored.socketType}" (${meaning}): Outlook needs "${expected}"`,
    );
  }
  return violations;
}

// ---- mobilesync ----------------------------------------------------------------------------

function checkMobilesyncResponseChildren(response: XmlElement): string[] {
  const violations: string[] = [];
  let last = -1;
  for (const child of response.children) {
    const position = (MOBILESYNC_RESPONSE_CHILDREN as readonly string[]).indexOf(child.name);
    if (position === -1) {
      violations.push(`${child.path} is not one of ${MOBILESYNC_RESPONSE_CHILDREN.join(', ')}`);
    } else if (position <= last) {
      violations.push(`${child.path} is out of order (${MOBILESYNC_RESPONSE_CHILDREN.join(', ')})`);
    } else {
      last = position;
    }
  }
  for (const culture of childrenNamed(response, 'Culture')) {
    if (culture.text.trim() === '') violations.push(`${culture.path} is empty`);
  }
  return violations;
}

function checkMobilesyncUser(user: XmlElement): string[] {
  const violations: string[] = [];
  const addresses = childrenNamed(user, 'EMailAddress');
  if (addresses.length !== 1) {
    violations.push(`${user.path} has ${addresses.length} EMailAddress elements, not 1`);
  }
  const unexpected = user.children.filter(
    (child) => child.name !== 'EMailAddress' && child.name !== 'DisplayName',
  );
  if (unexpected.length > 0) violations.push(`${user.path} has unexpected ${names(unexpected)}`);
  return violations;
}

function checkMobilesyncErrorElement(error: XmlElement): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const child of error.children) {
    if (!MOBILESYNC_ERROR_CHILDREN.has(child.name)) {
      violations.push(`${child.path} is not one of ${[...MOBILESYNC_ERROR_CHILDREN].join(', ')}`);
    } else if (seen.has(child.name)) {
      violations.push(`${child.path} appears more than once`);
    }
    seen.add(child.name);
  }
  const status = childrenNamed(error, 'Status')[0];
  if (status === undefined) violations.push(`${error.path} has no Status`);
  else if (!/^[0-9]+$/.test(status.text) || status.text === '1') {
    violations.push(
      `${status.path} "${status.text}" is not an error status (an integer other than 1)`,
    );
  }
  const message = childrenNamed(error, 'Message')[0];
  if (message === undefined || message.text.trim() === '') {
    violations.push(`${error.path} has no Message text`);
  }
  const code = childrenNamed(error, 'ErrorCode')[0];
  if (code === undefined) violations.push(`${error.path} has no ErrorCode`);
  else if (!MOBILESYNC_ERROR_CODES.has(code.text)) {
    violations.push(`${code.path} "${code.text}" is not 600 or 601`);
  }
  return violations;
}
