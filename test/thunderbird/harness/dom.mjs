/**
 * XML parsing as Gecko does it, on @xmldom/xmldom: any well-formedness or namespace
 * error is fatal. `DOMParser` then returns Gecko's <parsererror> document (it never
 * throws); XMLHttpRequest's responseXML is null instead (XHR standard).
 */
import xmldom from '@xmldom/xmldom';

const PARSER_ERROR_NS = 'http://www.mozilla.org/newlayout/xml/parsererror.xml';

function parseStrictly(text) {
  const parser = new xmldom.DOMParser({
    onError(level, message) {
      if (level !== 'warning') throw new Error(message);
    },
  });
  return parser.parseFromString(text, 'text/xml');
}

export function parseXmlOrNull(text) {
  try {
    return parseStrictly(text);
  } catch {
    return null;
  }
}

export class DOMParser {
  parseFromString(text) {
    try {
      return parseStrictly(text);
    } catch (error) {
      const doc = parseStrictly(`<parsererror xmlns="${PARSER_ERROR_NS}"/>`);
      doc.documentElement.appendChild(doc.createTextNode(String(error.message)));
      return doc;
    }
  }
}

export const { XMLSerializer } = xmldom;
