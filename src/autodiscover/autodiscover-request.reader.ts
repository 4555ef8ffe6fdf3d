import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '../common/domain-error';
import {
  MOBILESYNC_REQUEST_NS,
  MOBILESYNC_RESPONSE_NS,
  REQUEST_NAMESPACES,
} from './autodiscover-namespaces';

/**
 * Safe reading of an Autodiscover POX request body (Outlook or mobilesync).
 *
 * Order of the checks, cheapest and most hostile first: UTF-8 decoding (fatal), no DTD
 * at all (so no entity declarations, no XXE, no entity expansion), a linear scan that
 * bounds the element nesting, well-formedness (XMLValidator), then parsing with entity
 * processing off. The five predefined entities and character references are decoded
 * here, in the few values we read, never by the parser.
 */

export type AutodiscoverSchema = 'outlook' | 'mobilesync';

export interface AutodiscoverRequest {
  /** Trimmed `Autodiscover/Request/EMailAddress`; null when missing or empty. */
  readonly emailAddress: string | null;
  readonly schema: AutodiscoverSchema;
}

/** Deepest element nesting we accept (a real request has 3 levels). */
export const MAX_ELEMENT_DEPTH = 64;

const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
const ATTRIBUTE_PREFIX = '@_';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;
const LATE_DECLARATION = /^<\?xml[\s?]/i;
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([^\s&;]*));/g;
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  removeNSPrefix: false,
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: CDATA_KEY,
  commentPropName: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_ELEMENT_DEPTH + 1,
});

type Scope = ReadonlyMap<string, string>;

interface XmlElement {
  readonly qname: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly content: readonly unknown[];
}

/** An element with its namespace resolved and the namespace scope it opens. */
interface ResolvedElement {
  readonly element: XmlElement;
  readonly namespace: string | null;
  readonly localName: string;
  readonly scope: Scope;
}

export function readAutodiscoverRequest(body: Buffer): AutodiscoverRequest {
  const text = decodeUtf8(body).trimStart();
  if (text.trim() === '') throw malformed('Empty request body');
  if (DECLARATION.test(text)) throw malformed('DTDs and entity declarations are not allowed');
  checkStructure(text, MAX_ELEMENT_DEPTH);
  if (XMLValidator.validate(text) !== true) throw malformed('Malformed XML');
  const root = resolve(singleRoot(parseOrdered(text)), new Map([['xml', XML_NS]]));
  return readRequest(root);
}

function readRequest(root: ResolvedElement): AutodiscoverRequest {
  const requestNs = root.namespace;
  if (root.localName !== 'Autodiscover' || !isRequestNamespace(requestNs)) {
    return { emailAddress: null, schema: 'outlook' };
  }
  const request = firstChild(root, 'Request', requestNs);
  const address = request && firstChild(request, 'EMailAddress', requestNs);
  const accepted = request && firstChild(request, 'AcceptableResponseSchema', requestNs);
  const emailAddress = address ? textOf(address.element).trim() : '';
  return {
    emailAddress: emailAddress === '' ? null : emailAddress,
    schema: schemaOf(requestNs, accepted ? textOf(accepted.element).trim() : null),
  };
}

function isRequestNamespace(namespace: string | null): namespace is string {
  return namespace !== null && REQUEST_NAMESPACES.includes(namespace);
}

function schemaOf(requestNs: string, acceptableResponseSchema: string | null): AutodiscoverSchema {
  const mobilesync =
    requestNs === MOBILESYNC_REQUEST_NS || acceptableResponseSchema === MOBILESYNC_RESPONSE_NS;
  return mobilesync ? 'mobilesync' : 'outlook';
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw malformed('Request body is not valid UTF-8');
  }
}

function malformed(message: string): DomainError {
  return new DomainError('MALFORMED_BODY', message);
}

// ---- structure: one linear pass, no recursion -----------------------------------------

/**
 * Refuses documents nested deeper than `limit` elements, text outside the root element
 * and an XML declaration anywhere but at the start: the validator lets the last two
 * through. Approximate where the document is malformed anyway (the validator refuses
 * those), exact for well-formed ones; it also refuses `<` inside a start tag, which the
 * validator lets through in attribute values.
 */
function checkStructure(text: string, limit: number): void {
  let depth = 0;
  let start = text.indexOf('<');
  checkOutsideText(text, 0, start);
  while (start !== -1) {
    if (start > 0 && LATE_DECLARATION.test(text.slice(start, start + 6))) {
      throw malformed('Misplaced XML declaration');
    }
    const end = endOfMarkup(text, start);
    if (end === -1) return;
    depth += depthChange(text, start, end);
    if (depth > limit) throw malformed('XML is nested too deeply');
    start = text.indexOf('<', end);
    if (depth === 0) checkOutsideText(text, end, start);
  }
}

/** Only whitespace may stand outside the root element. */
function checkOutsideText(text: string, from: number, to: number): void {
  const outside = text.slice(from, to === -1 ? text.length : to);
  if (outside.trim() !== '') throw malformed('Text outside the root element');
}

/** Index just after the markup that starts at `start`, or -1 when it is not closed. */
function endOfMarkup(text: string, start: number): number {
  if (text.startsWith('<!--', start)) return indexAfter(text, '-->', start + 4);
  if (text.startsWith('<![CDATA[', start)) return indexAfter(text, ']]>', start + 9);
  if (text.startsWith('<?', start)) return indexAfter(text, '?>', start + 2);
  if (text.startsWith('</', start)) return indexAfter(text, '>', start + 2);
  return endOfStartTag(text, start + 1);
}

function depthChange(text: string, start: number, end: number): number {
  const next = text[start + 1];
  if (next === '!' || next === '?') return 0;
  if (next === '/') return -1;
  return text[end - 2] === '/' ? 0 : 1;
}

function indexAfter(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}

function endOfStartTag(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '<') throw malformed('Malformed XML');
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i + 1;
    }
  }
  return -1;
}

// ---- parsed tree ----------------------------------------------------------------------

function parseOrdered(text: string): unknown[] {
  try {
    const parsed: unknown = parser.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    throw malformed('Malformed XML');
  }
}

function singleRoot(nodes: readonly unknown[]): XmlElement {
  const elements = nodes.map(asElement).filter((e): e is XmlElement => e !== null);
  const [root] = elements;
  if (root === undefined || elements.length !== 1) throw malformed('Malformed XML');
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asElement(node: unknown): XmlElement | null {
  if (!isRecord(node)) return null;
  const qname = Object.keys(node).find(
    (key) => key !== ATTRIBUTES_KEY && key !== TEXT_KEY && key !== CDATA_KEY,
  );
  if (qname === undefined) return null;
  const content = node[qname];
  const attributes = node[ATTRIBUTES_KEY];
  return {
    qname,
    content: Array.isArray(content) ? content : [],
    attributes: isRecord(attributes) ? attributes : {},
  };
}

function resolve(element: XmlElement, parentScope: Scope): ResolvedElement {
  const scope = declaredScope(element, parentScope);
  const colon = element.qname.indexOf(':');
  const prefix = colon === -1 ? '' : element.qname.slice(0, colon);
  const localName = element.qname.slice(colon + 1);
  const uri = scope.get(prefix);
  if (uri === undefined && prefix !== '') throw malformed('Unbound namespace prefix');
  return { element, namespace: uri === undefined || uri === '' ? null : uri, localName, scope };
}

/** The scope inside `element`: its parent's plus its own `xmlns` / `xmlns:p` declarations. */
function declaredScope(element: XmlElement, parentScope: Scope): Scope {
  let scope: Map<string, string> | null = null;
  for (const [key, value] of Object.entries(element.attributes)) {
    const prefix = declaredPrefix(key.slice(ATTRIBUTE_PREFIX.length));
    if (prefix === null || typeof value !== 'string') continue;
    scope ??= new Map(parentScope);
    scope.set(prefix, decodeReferences(value));
  }
  return scope ?? parentScope;
}

function declaredPrefix(attributeName: string): string | null {
  if (attributeName === 'xmlns') return '';
  return attributeName.startsWith('xmlns:') ? attributeName.slice('xmlns:'.length) : null;
}

function firstChild(
  parent: ResolvedElement,
  localName: string,
  namespace: string,
): ResolvedElement | undefined {
  for (const node of parent.element.content) {
    const element = asElement(node);
    if (element === null) continue;
    const child = resolve(element, parent.scope);
    if (child.localName === localName && child.namespace === namespace) return child;
  }
  return undefined;
}

/** The element's own character data (text and CDATA), references decoded. */
function textOf(element: XmlElement): string {
  let text = '';
  for (const node of element.content) {
    if (!isRecord(node)) continue;
    const value = node[TEXT_KEY];
    if (typeof value === 'string') text += decodeReferences(value);
    text += cdataOf(node[CDATA_KEY]);
  }
  return text;
}

function cdataOf(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value
    .map((part) => (isRecord(part) && typeof part[TEXT_KEY] === 'string' ? part[TEXT_KEY] : ''))
    .join('');
}

/** Decodes the five predefined entities and character references; anything else is an error. */
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (_match, hex?: string, decimal?: string, name?: string) => {
    if (name !== undefined) {
      const replacement = PREDEFINED_ENTITIES[name];
      if (replacement === undefined) throw malformed('Undefined entity reference');
      return replacement;
    }
    return characterFor(hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10));
  });
}

function characterFor(codePoint: number): string {
  const allowed =
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff);
  if (!allowed) throw malformed('Invalid character reference');
  return String.fromCodePoint(codePoint);
}
