import { create } from 'xmlbuilder2';

/**
 * Reading a rendered document the way a client's parser sees it: elements by local
 * name (namespaces aside, as Thunderbird matches names), their attributes and text.
 * Parsed with xmlbuilder2 into its DOM; never with regular expressions over the text.
 */

/** What the readers use of a DOM element (xmlbuilder2's DOM has these members). */
export interface XmlElement {
  readonly nodeType: number;
  readonly localName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
}

const ELEMENT_NODE = 1;

function isElement(node: unknown): node is XmlElement {
  return (
    typeof node === 'object' &&
    node !== null &&
    (node as { nodeType?: unknown }).nodeType === ELEMENT_NODE
  );
}

/** The document's root element, or null when the text is empty or not XML. */
export function rootElement(xml: string): XmlElement | null {
  if (xml.trim() === '') return null;
  try {
    // Whitespace-only text is kept: clients see it (Thunderbird reads `<username> </username>` as NaN).
    const node: unknown = create({ skipWhitespaceOnlyText: false }, xml).root().node;
    return isElement(node) ? node : null;
  } catch {
    return null;
  }
}

/** The child elements named `localName`, in document order. */
export function childElements(parent: XmlElement, localName: string): XmlElement[] {
  return Array.from(parent.childNodes).filter(
    (node): node is XmlElement => isElement(node) && node.localName === localName,
  );
}

/** The first child element named `localName`, or null. */
export function childElement(parent: XmlElement, localName: string): XmlElement | null {
  return childElements(parent, localName)[0] ?? null;
}

/** The text of the first child named `localName`; null when there is no such child. */
export function childText(parent: XmlElement, localName: string): string | null {
  const child = childElement(parent, localName);
  return child === null ? null : (child.textContent ?? '');
}
