import { childElement, rootElement, type XmlElement } from './xml-elements';

/**
 * The `emailProvider` element of a Mozilla clientConfig document (what Thunderbird and
 * K-9 read their servers from); null when the text is not such a document.
 */
export function emailProviderOf(document: string): XmlElement | null {
  const root = rootElement(document);
  if (root?.localName !== 'clientConfig') return null;
  return childElement(root, 'emailProvider');
}
