/**
 * The ordered element tree the client-rule checkers read: fast-xml-parser's
 * `preserveOrder` output turned into elements with a path for violation messages
 * (`clientConfig[1]/emailProvider[1]`), the default namespace in scope, attributes and
 * the element's own text (entities decoded, not trimmed). Text nodes are dropped.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  readonly name: string;
  readonly path: string;
  /** The default namespace (`xmlns`) in scope; prefixes are checked by the rules. */
  readonly namespace: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

export type ParsedDocument =
  | { readonly root: XmlElement; readonly violations?: undefined }
  | { readonly root?: undefined; readonly violations: readonly string[] };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses a document with exactly one root element, or says why it cannot. */
export function parseXmlDocument(xml: string): ParsedDocument {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    return { violations: [`not well-formed XML: ${validation.err.msg}`] };
  }
  const roots = toElements(parser.parse(xml) as unknown, '', '');
  const [root] = roots;
  if (root === undefined || roots.length !== 1) {
    return { violations: [`document has ${roots.length} root elements, not 1`] };
  }
  return { root };
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

function toElements(nodes: unknown, parentPath: string, parentNamespace: string): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const seen = new Map<string, number>();
  const elements: XmlElement[] = [];
  for (const node of nodes as unknown[]) {
    if (!isRecord(node)) continue;
    const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
    if (name === undefined) continue;
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    const path = `${parentPath}${parentPath === '' ? '' : '/'}${name}[${index}]`;
    const attributes = toAttributes(node[':@']);
    const namespace = attributes['xmlns'] ?? parentNamespace;
    const content = node[name];
    elements.push({
      name,
      path,
      namespace,
      attributes,
      children: toElements(content, path, namespace),
      text: textOf(content),
    });
  }
  return elements;
}

function toAttributes(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([name, attribute]) => [name, String(attribute)]),
  );
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return (content as unknown[])
    .map((child) => (isRecord(child) ? child['#text'] : undefined))
    .filter(
      (text) => typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean',
    )
    .map((text) => String(text))
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
