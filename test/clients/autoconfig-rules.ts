/**
 * Clean-room checkers for what mail clients accept in a Mozilla autoconfig
 * (clientConfig) document, written from the rules in spec/CLIENTS.md ("Autoconfig
 * output rules"). Each returns the violated rules; an empty list means the client
 * would accept the document.
 */
import { childrenNamed, parseXmlDocument, type XmlElement } from './xml-tree';

/** Elements whose text Thunderbird reads and which must therefore carry no attributes. */
const THUNDERBIRD_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'domain',
  'hostname',
  'port',
  'socketType',
  'username',
  'authentication',
  'displayName',
  'displayShortName',
]);
const THUNDERBIRD_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/xml', 'text/xml']);
const THUNDERBIRD_SOCKET_TYPES: ReadonlySet<string> = new Set(['plain', 'SSL', 'STARTTLS']);
const THUNDERBIRD_INCOMING_TYPES: ReadonlySet<string> = new Set(['imap', 'pop3']);
const THUNDERBIRD_OUTGOING_TYPES: ReadonlySet<string> = new Set(['smtp']);

const K9_REQUIRED_ELEMENTS = ['hostname', 'port', 'username', 'socketType'] as const;
const K9_SOCKET_TYPES: ReadonlySet<string> = new Set(['SSL', 'STARTTLS']);
const K9_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
]);
const HOSTNAME_SHAPED = /^[A-Za-z0-9.-]+$/;
const MAX_PORT = 65535;

/**
 * Thunderbird (desktop): content type, document shape, no attributes on the text
 * elements it reads, both server directions, valid ports, socket types and types.
 */
export function checkThunderbirdAutoconfig(xml: string, contentType?: string): string[] {
  const violations = contentType === undefined ? [] : checkContentType(contentType);
  const document = parseXmlDocument(xml);
  if (document.root === undefined) return [...violations, ...document.violations];
  const root = document.root;
  if (root.name !== 'clientConfig') {
    return [...violations, `root element is <${root.name}>, not <clientConfig>`];
  }
  const providers = childrenNamed(root, 'emailProvider');
  if (providers.length !== 1) {
    violations.push(`clientConfig has ${providers.length} emailProvider elements, not 1`);
  }
  violations.push(...attributesOnTextElements(root));
  const [provider] = providers;
  if (provider !== undefined) violations.push(...checkThunderbirdServers(provider));
  return violations;
}

/**
 * Thunderbird for Android (K-9): a hostname-shaped provider id, and every IMAP and
 * SMTP server complete, on SSL/STARTTLS, with an authentication it knows. Any
 * violation rejects the whole document.
 */
export function checkK9Autoconfig(xml: string): string[] {
  const document = parseXmlDocument(xml);
  if (document.root === undefined) return [...document.violations];
  const provider =
    document.root.name === 'clientConfig'
      ? childrenNamed(document.root, 'emailProvider')[0]
      : undefined;
  if (provider === undefined) return ['no clientConfig/emailProvider element'];
  return [
    ...checkK9ProviderId(provider),
    ...k9Servers(provider).flatMap((server) => checkK9Server(server)),
  ];
}

function checkContentType(contentType: string): string[] {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return THUNDERBIRD_CONTENT_TYPES.has(mediaType)
    ? []
    : [`content type "${contentType}" is not application/xml or text/xml`];
}

function attributesOnTextElements(element: XmlElement): string[] {
  const own =
    THUNDERBIRD_TEXT_ELEMENTS.has(element.name) && Object.keys(element.attributes).length > 0
      ? [`${element.path} has attributes (${Object.keys(element.attributes).join(', ')})`]
      : [];
  return [...own, ...element.children.flatMap((child) => attributesOnTextElements(child))];
}

function checkThunderbirdServers(provider: XmlElement): string[] {
  const incoming = childrenNamed(provider, 'incomingServer');
  const outgoing = childrenNamed(provider, 'outgoingServer');
  const violations: string[] = [];
  if (incoming.length + outgoing.length > 0 && (incoming.length === 0 || outgoing.length === 0)) {
    violations.push(
      `${provider.path} has ${incoming.length} incomingServer and ${outgoing.length} ` +
        'outgoingServer elements; both are needed',
    );
  }
  for (const server of incoming) {
    violations.push(...checkThunderbirdServer(server, THUNDERBIRD_INCOMING_TYPES));
  }
  for (const server of outgoing) {
    violations.push(...checkThunderbirdServer(server, THUNDERBIRD_OUTGOING_TYPES));
  }
  return violations;
}

function checkThunderbirdServer(server: XmlElement, types: ReadonlySet<string>): string[] {
  const violations: string[] = [];
  const type = server.attributes['type'];
  if (type === undefined || !types.has(type)) {
    violations.push(`${server.path} type "${type ?? ''}" is not one of ${list(types)}`);
  }
  for (const port of childrenNamed(server, 'port')) {
    if (!isPort(port.text)) {
      violations.push(`${port.path} "${port.text}" is not an integer from 1 to ${MAX_PORT}`);
    }
  }
  for (const socketType of childrenNamed(server, 'socketType')) {
    if (!THUNDERBIRD_SOCKET_TYPES.has(socketType.text)) {
      violations.push(
        `${socketType.path} "${socketType.text}" is not one of ${list(THUNDERBIRD_SOCKET_TYPES)}`,
      );
    }
  }
  return violations;
}

function isPort(text: string): boolean {
  if (!/^[0-9]+$/.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= MAX_PORT;
}

function checkK9ProviderId(provider: XmlElement): string[] {
  const id = provider.attributes['id'];
  if (id === undefined) return [`${provider.path} has no id attribute`];
  return HOSTNAME_SHAPED.test(id)
    ? []
    : [`${provider.path} id "${id}" is not hostname-shaped (letters, digits, "-", ".")`];
}

/** The sections K-9 reads: IMAP incoming servers and SMTP outgoing servers. */
function k9Servers(provider: XmlElement): XmlElement[] {
  return provider.children.filter(
    (child) =>
      (child.name === 'incomingServer' && child.attributes['type'] === 'imap') ||
      (child.name === 'outgoingServer' && child.attributes['type'] === 'smtp'),
  );
}

function checkK9Server(server: XmlElement): string[] {
  const violations: string[] = [];
  for (const name of K9_REQUIRED_ELEMENTS) {
    if (!childrenNamed(server, name).some((child) => child.text.trim() !== '')) {
      violations.push(`${server.path} lacks a non-empty ${name}`);
    }
  }
  for (const socketType of childrenNamed(server, 'socketType')) {
    if (!K9_SOCKET_TYPES.has(socketType.text)) {
      violations.push(
        `${socketType.path} "${socketType.text}" is not one of ${list(K9_SOCKET_TYPES)}`,
      );
    }
  }
  const authentications = childrenNamed(server, 'authentication');
  if (!authentications.some((element) => K9_AUTHENTICATIONS.has(element.text))) {
    violations.push(
      `${server.path} has no authentication that is one of ${list(K9_AUTHENTICATIONS)}`,
    );
  }
  return violations;
}

function list(values: ReadonlySet<string>): string {
  return [...values].join(', ');
}
