/**
 * Clean-room checkers for what mail clients accept in a Mozilla autoconfig
 * (clientConfig) document, written from the rules in spec/CLIENTS.md ("Autoconfig
 * output rules") and issue 13: Thunderbird's `readFromXML` / `Sanitizer` and Thunderbird
 * for Android's (K-9's) `RealAutoconfigParser`. Each returns the violated rules; an
 * empty list means the client would accept the document and configure every server
 * in it.
 */
import { childrenNamed, parseXmlDocument, type XmlElement } from './xml-tree';
import { asciiViolation, isPort, MAX_PORT } from './host-names';

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
/**
 * Every `authentication` value Thunderbird's readFromXML translates (case-sensitive);
 * any other spelling is skipped, and a server left without one is dropped.
 */
const THUNDERBIRD_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'plain',
  'password-encrypted',
  'secure',
  'NTLM',
  'GSSAPI',
  'client-IP-address',
  'TLS-client-cert',
  'OAuth2',
  'none',
]);
const THUNDERBIRD_INCOMING_TYPES: ReadonlySet<string> = new Set(['imap', 'pop3']);
const THUNDERBIRD_OUTGOING_TYPES: ReadonlySet<string> = new Set(['smtp']);

/** Elements K-9 needs with a value (it validates the text of each). */
const K9_REQUIRED_VALUES = ['hostname', 'port', 'socketType'] as const;
const K9_SOCKET_TYPES: ReadonlySet<string> = new Set(['SSL', 'STARTTLS']);
const K9_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
]);
const HOSTNAME_SHAPED = /^[A-Za-z0-9.-]+$/;

/**
 * Thunderbird (desktop): content type, document shape, no attributes on the text
 * elements it reads, both server directions, valid ports, socket types, authentications
 * and types (all case-sensitive), and ASCII `domain` and `hostname` values (its
 * sanitizer drops a U-label host, and rejects the document when none is left).
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
  if (provider !== undefined) {
    violations.push(...checkDomains(provider, 'Thunderbird drops it'));
    violations.push(...checkThunderbirdServers(provider));
  }
  return violations;
}

/**
 * Thunderbird for Android (K-9): a hostname-shaped provider id, ASCII `domain` values,
 * and every IMAP and SMTP server complete, with an ASCII hostname, a port from 1 to
 * 65535, socketType exactly `SSL` or `STARTTLS` and an authentication it knows (exactly
 * spelt). Any violation rejects the whole document.
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
    ...checkDomains(provider, 'K-9 rejects the whole document'),
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

/** Every `<domain>` must be ASCII: A-labels (`xn--…`), never U-labels. */
function checkDomains(provider: XmlElement, consequence: string): string[] {
  return childrenNamed(provider, 'domain').flatMap((domain) => {
    const problem = asciiViolation(domain.text);
    return problem === undefined ? [] : [`${domain.path} ${problem}: ${consequence}`];
  });
}

function checkHostnames(server: XmlElement, consequence: string): string[] {
  return childrenNamed(server, 'hostname').flatMap((hostname) => {
    const problem = asciiViolation(hostname.text);
    return problem === undefined ? [] : [`${hostname.path} ${problem}: ${consequence}`];
  });
}

/** Ports that are not 1–65535 (`skipEmpty`: an empty one is reported as missing instead). */
function checkPorts(server: XmlElement, consequence: string, skipEmpty = false): string[] {
  return childrenNamed(server, 'port')
    .filter((port) => !isPort(port.text) && !(skipEmpty && port.text.trim() === ''))
    .map(
      (port) =>
        `${port.path} "${port.text}" is not an integer from 1 to ${MAX_PORT}: ${consequence}`,
    );
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
  violations.push(...checkHostnames(server, 'Thunderbird drops the server'));
  violations.push(...checkPorts(server, 'Thunderbird drops the server'));
  for (const socketType of childrenNamed(server, 'socketType')) {
    if (!THUNDERBIRD_SOCKET_TYPES.has(socketType.text)) {
      violations.push(
        `${socketType.path} "${socketType.text}" is not one of ${list(THUNDERBIRD_SOCKET_TYPES)}`,
      );
    }
  }
  const authentications = childrenNamed(server, 'authentication');
  if (authentications.length === 0) {
    violations.push(`${server.path} has no authentication: Thunderbird drops the server`);
  }
  for (const authentication of authentications) {
    if (!THUNDERBIRD_AUTHENTICATIONS.has(authentication.text)) {
      violations.push(
        `${authentication.path} "${authentication.text}" is not one of ` +
          `${list(THUNDERBIRD_AUTHENTICATIONS)} (case-sensitive)`,
      );
    }
  }
  return violations;
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
  for (const name of K9_REQUIRED_VALUES) {
    if (!childrenNamed(server, name).some((child) => child.text.trim() !== '')) {
      violations.push(`${server.path} lacks a non-empty ${name}`);
    }
  }
  // K-9 takes any username text, even an empty one, but the element must be there.
  if (childrenNamed(server, 'username').length === 0) {
    violations.push(`${server.path} lacks a username`);
  }
  violations.push(...checkHostnames(server, 'K-9 rejects the whole document'));
  violations.push(
    ...checkPorts(server, 'K-9 rejects the whole document (0 is an uncaught exception)', true),
  );
  for (const socketType of childrenNamed(server, 'socketType')) {
    if (!K9_SOCKET_TYPES.has(socketType.text)) {
      violations.push(
        `${socketType.path} "${socketType.text}" is not one of ${list(K9_SOCKET_TYPES)} ` +
          '(case-sensitive)',
      );
    }
  }
  const authentications = childrenNamed(server, 'authentication');
  if (!authentications.some((element) => K9_AUTHENTICATIONS.has(element.text))) {
    violations.push(
      `${server.path} has no authentication that is one of ${list(K9_AUTHENTICATIONS)} ` +
        '(case-sensitive)',
    );
  }
  return violations;
}

function list(values: ReadonlySet<string>): string {
  return [...values].join(', ');
}
