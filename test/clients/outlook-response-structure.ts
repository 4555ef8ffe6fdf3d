/**
 * A structural check of Outlook POX Autodiscover responses against the response shape
 * of MS-OXDSCLI (no XSD ships with the spec in a form we can validate against, so the
 * shape is written out here): `Autodiscover` (responseschema/2006) > `Response`
 * (outlook/responseschema/2006a) > `User`? > `Account` > `AccountType`, `Action`,
 * `Protocol`*, in that order; every `Protocol` starts with `Type` and holds only
 * MS-OXDSCLI Protocol children, each at most once, as text. Default namespaces only.
 * Values: ports from 1 to 65535, `on`/`off`, MS-OXDSCLI's `Encryption` words, and every
 * `Server` in ASCII (a mail server's host name as A-labels; a CalDAV/CardDAV URL with
 * an A-label host and a percent-encoded path).
 * Returns the violations; an empty list means the document has the shape. Namespaces
 * are spelled out here on purpose instead of imported from the product code.
 */
import { asciiUrlViolation, asciiViolation } from './host-names';
import { childrenNamed, parseXmlDocument, type XmlElement } from './xml-tree';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** MS-OXDSCLI User children. */
const USER_CHILDREN: ReadonlySet<string> = new Set([
  'DisplayName',
  'LegacyDN',
  'AutoDiscoverSMTPAddress',
  'DeploymentId',
]);

/** MS-OXDSCLI Protocol children (2.2.4.1.1.2.8.x) that carry text. */
const PROTOCOL_CHILDREN: ReadonlySet<string> = new Set([
  'Type',
  'TTL',
  'Server',
  'ServerDN',
  'ServerVersion',
  'MdbDN',
  'PublicFolderServer',
  'AD',
  'Port',
  'DirectoryPort',
  'ReferralPort',
  'ASUrl',
  'EwsUrl',
  'EmwsUrl',
  'SharingUrl',
  'EcpUrl',
  'OOFUrl',
  'UMUrl',
  'OABUrl',
  'LoginName',
  'DomainRequired',
  'DomainName',
  'SPA',
  'AuthPackage',
  'CertPrincipalName',
  'SSL',
  'AuthRequired',
  'UsePOPAuth',
  'SMTPLast',
  'Encryption',
  'NetworkRequirements',
]);

/** Protocol children whose value is `on` or `off`. */
const ON_OFF: ReadonlySet<string> = new Set([
  'SSL',
  'SPA',
  'DomainRequired',
  'AuthRequired',
  'UsePOPAuth',
  'SMTPLast',
]);
const ENCRYPTION: ReadonlySet<string> = new Set(['None', 'SSL', 'TLS', 'Auto']);
/** Protocol types whose `Server` is a URL rather than a host name. */
const URL_SERVER_TYPES: ReadonlySet<string> = new Set(['CalDAV', 'CardDAV']);
const ACTIONS: ReadonlySet<string> = new Set(['settings', 'redirectAddr', 'redirectUrl']);
/** Mail types of MS-OXDSCLI plus automx2's CalDAV/CardDAV (ignored by Outlook). */
const PROTOCOL_TYPES: ReadonlySet<string> = new Set([
  'EXCH',
  'EXPR',
  'EXHTTP',
  'WEB',
  'POP3',
  'SMTP',
  'IMAP',
  'CalDAV',
  'CardDAV',
]);

export function checkOutlookResponseStructure(xml: string): string[] {
  const parsed = parseXmlDocument(xml);
  if (parsed.root === undefined) return [...parsed.violations];
  const root = parsed.root;
  const violations = namespaceViolations(root, true);
  if (root.name !== 'Autodiscover') violations.push(`root is <${root.name}>, not <Autodiscover>`);
  if (root.attributes['xmlns'] !== RESPONSE_NS) {
    violations.push(`${root.path} is not in ${RESPONSE_NS}`);
  }
  const response = single(root, 'Response', violations);
  if (response === undefined) return violations;
  if (response.attributes['xmlns'] !== OUTLOOK_NS) {
    violations.push(`${response.path} is not in ${OUTLOOK_NS}`);
  }
  violations.push(...sequence(response, ['User?', 'Account']));
  for (const user of childrenNamed(response, 'User')) violations.push(...checkUser(user));
  const account = childrenNamed(response, 'Account')[0];
  if (account !== undefined) violations.push(...checkAccount(account));
  return violations;
}

function checkUser(user: XmlElement): string[] {
  const violations = onlyText(user.children);
  for (const child of user.children) {
    if (!USER_CHILDREN.has(child.name)) violations.push(`${child.path} is not a User child`);
  }
  return violations;
}

function checkAccount(account: XmlElement): string[] {
  const violations = sequence(account, ['AccountType', 'Action', 'Protocol*']);
  const type = childrenNamed(account, 'AccountType')[0];
  if (type !== undefined && type.text !== 'email') {
    violations.push(`${type.path} is "${type.text}", not "email"`);
  }
  const action = childrenNamed(account, 'Action')[0];
  if (action !== undefined && !ACTIONS.has(action.text)) {
    violations.push(`${action.path} "${action.text}" is not a known Action`);
  }
  for (const protocol of childrenNamed(account, 'Protocol'))
    violations.push(...checkProtocol(protocol));
  return violations;
}

function checkProtocol(protocol: XmlElement): string[] {
  const violations = onlyText(protocol.children);
  if (protocol.children[0]?.name !== 'Type')
    violations.push(`${protocol.path} does not start with Type`);
  const seen = new Set<string>();
  for (const child of protocol.children) {
    if (!PROTOCOL_CHILDREN.has(child.name)) {
      violations.push(`${child.path} is not a Protocol child`);
    } else if (seen.has(child.name)) {
      violations.push(`${child.path} appears more than once`);
    }
    seen.add(child.name);
    violations.push(...checkValue(child));
  }
  const type = childrenNamed(protocol, 'Type')[0]?.text ?? '';
  for (const server of childrenNamed(protocol, 'Server')) {
    const problem = URL_SERVER_TYPES.has(type)
      ? asciiUrlViolation(server.text)
      : asciiViolation(server.text);
    if (problem !== undefined) violations.push(`${server.path} ${problem}`);
  }
  return violations;
}

function checkValue(child: XmlElement): string[] {
  const text = child.text;
  if (child.name === 'Type' && !PROTOCOL_TYPES.has(text)) {
    return [`${child.path} "${text}" is not a known protocol type`];
  }
  if (child.name === 'Port' && !(/^[0-9]+$/.test(text) && +text >= 1 && +text <= 65535)) {
    return [`${child.path} "${text}" is not a port`];
  }
  if (ON_OFF.has(child.name) && text !== 'on' && text !== 'off') {
    return [`${child.path} "${text}" is not on/off`];
  }
  if (child.name === 'Encryption' && !ENCRYPTION.has(text)) {
    return [`${child.path} "${text}" is not None, SSL, TLS or Auto`];
  }
  return [];
}

/**
 * Children must follow `pattern` in order: a name (exactly once), `name?` (at most
 * once) or `name*` (any number), and nothing else.
 */
function sequence(parent: XmlElement, pattern: readonly string[]): string[] {
  const children = parent.children;
  let index = 0;
  for (const item of pattern) {
    const name = item.replace(/[?*]$/, '');
    const max = item.endsWith('*') ? Infinity : 1;
    const min = item.endsWith('?') || item.endsWith('*') ? 0 : 1;
    let count = 0;
    while (count < max && children[index]?.name === name) {
      index++;
      count++;
    }
    if (count < min) return [`${parent.path} lacks ${name} at position ${index + 1}`];
  }
  const extra = children[index];
  return extra === undefined
    ? []
    : [`${extra.path} is unexpected in ${parent.path} (expected ${pattern.join(', ')})`];
}

function single(parent: XmlElement, name: string, violations: string[]): XmlElement | undefined {
  const matches = childrenNamed(parent, name);
  if (matches.length !== 1) {
    violations.push(`${parent.path} has ${matches.length} ${name} elements, not 1`);
    return undefined;
  }
  return matches[0];
}

function onlyText(elements: readonly XmlElement[]): string[] {
  return elements
    .filter((element) => element.children.length > 0)
    .map((element) => `${element.path} has child elements`);
}

/** Prefixes anywhere, and xmlns declarations below Response, break name-matching clients. */
function namespaceViolations(element: XmlElement, declarationAllowed: boolean): string[] {
  const violations: string[] = [];
  if (element.name.includes(':')) violations.push(`${element.path} has a namespace prefix`);
  for (const attribute of Object.keys(element.attributes)) {
    if (attribute.startsWith('xmlns:')) violations.push(`${element.path} declares a prefix`);
    else if (attribute !== 'xmlns' || !declarationAllowed) {
      violations.push(`${element.path} has attribute ${attribute}`);
    }
  }
  const childMayDeclare = element.name === 'Autodiscover' && declarationAllowed;
  for (const child of element.children) {
    violations.push(...namespaceViolations(child, childMayDeclare));
  }
  return violations;
}
