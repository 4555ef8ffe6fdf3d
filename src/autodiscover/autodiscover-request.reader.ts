import { SaxesParser, type SaxesTagNS } from 'saxes';
import { DomainError } from '../common/domain-error';
import {
  MOBILESYNC_REQUEST_NS,
  MOBILESYNC_RESPONSE_NS,
  REQUEST_NAMESPACES,
} from './autodiscover-namespaces';

/**
 * Safe reading of an Autodiscover POX request body (Outlook or mobilesync).
 *
 * The body is decoded as UTF-8 (fatal), a DOCTYPE in the prolog is refused before anything
 * is parsed (so no DTD, no entity declarations, no XXE, no entity expansion), then the body
 * is read in one pass by a strict, namespace-aware streaming parser that checks
 * well-formedness as it goes and stops at the first fault: the element nesting is bounded,
 * and only the five predefined entities and character references to characters XML 1.0
 * allows are decoded. Only the two values we need are kept; no tree is built.
 */

export type AutodiscoverSchema = 'outlook' | 'mobilesync';

export interface AutodiscoverRequest {
  /** Trimmed `Autodiscover/Request/EMailAddress`; null when missing or empty. */
  readonly emailAddress: string | null;
  readonly schema: AutodiscoverSchema;
}

/** Deepest element nesting we accept (a real request has 3 levels). */
export const MAX_ELEMENT_DEPTH = 64;

const PARSER_OPTIONS = {
  xmlns: true,
  position: false,
  // XML 1.0 rules even when the document declares 1.1 (which allows more control characters).
  forceXMLVersion: true,
  defaultXMLVersion: '1.0',
} as const;

const DTD_MESSAGE = 'DTDs and entity declarations are not allowed';
const MALFORMED_MESSAGE = 'Malformed XML';
const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;

/** The parser's own error texts we report more precisely; any other is 'Malformed XML'. */
const PARSER_ERRORS: readonly (readonly [prefix: string, message: string])[] = [
  ['undefined entity.', 'Undefined entity reference'],
  ['malformed character entity.', 'Invalid character reference'],
  ['unbound namespace prefix', 'Unbound namespace prefix'],
  ['text data outside of root node.', 'Text outside the root element'],
  ['an XML declaration must be at the start', 'Misplaced XML declaration'],
  ['the XML declaration must appear at the start', 'Misplaced XML declaration'],
  ['inappropriately located doctype', DTD_MESSAGE],
];

export function readAutodiscoverRequest(body: Buffer): AutodiscoverRequest {
  const text = decodeUtf8(body).trimStart();
  if (text === '') throw malformed('Empty request body');
  if (prologHasDoctype(text)) throw malformed(DTD_MESSAGE);
  return readRequest(scan(text));
}

function readRequest(fields: RequestFields): AutodiscoverRequest {
  const requestNs = fields.rootNamespace;
  if (!fields.rootIsAutodiscover || !isRequestNamespace(requestNs)) {
    return { emailAddress: null, schema: 'outlook' };
  }
  const emailAddress = fields.emailAddress?.trim() ?? '';
  return {
    emailAddress: emailAddress === '' ? null : emailAddress,
    schema: schemaOf(requestNs, fields.acceptableResponseSchema?.trim() ?? null),
  };
}

function isRequestNamespace(namespace: string): boolean {
  return REQUEST_NAMESPACES.includes(namespace);
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

/** Our message for a parser error; the parser's own text never reaches the client. */
function parserErrorMessage(error: unknown, text: string): string {
  const detail = error instanceof Error ? error.message : '';
  for (const [prefix, message] of PARSER_ERRORS) {
    if (detail.startsWith(prefix)) return message;
  }
  // A DOCTYPE the parser could not even read (lower case, unterminated, ENTITY outside one).
  return DECLARATION.test(text) ? DTD_MESSAGE : MALFORMED_MESSAGE;
}

/**
 * Whether a DOCTYPE stands in the prolog (after the XML declaration, comments, processing
 * instructions and white space), the only place one is allowed. The parser reads a whole
 * DTD before it reports it, so this refuses one before it is read; anywhere else the
 * parser refuses `<!DOCTYPE` as soon as it sees it.
 */
function prologHasDoctype(text: string): boolean {
  let at = 0;
  while (at !== -1 && at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
      at++;
    } else if (text.startsWith('<?', at)) {
      at = indexAfter(text, '?>', at + 2);
    } else if (text.startsWith('<!--', at)) {
      at = indexAfter(text, '-->', at + 4);
    } else {
      return text.startsWith('<!', at) && text.slice(at + 2, at + 9).toUpperCase() === 'DOCTYPE';
    }
  }
  return false;
}

function indexAfter(text: string, terminator: string, from: number): number {
  const found = text.indexOf(terminator, from);
  return found === -1 ? -1 : found + terminator.length;
}

// ---- one streaming pass ---------------------------------------------------------------

/**
 * The parser is reused while it is healthy (it resets itself at the end of every document
 * it reads, and reading is synchronous, so no two reads overlap); one that failed stopped
 * mid-document and is dropped.
 */
let idleScanner: RequestScanner | null = null;

function scan(text: string): RequestFields {
  const scanner = idleScanner ?? new RequestScanner();
  idleScanner = null;
  let fields: RequestFields;
  try {
    fields = scanner.read(text);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw malformed(parserErrorMessage(error, text));
  }
  idleScanner = scanner;
  return fields;
}

/** A strict namespace-aware parser feeding the fields of the document it is reading. */
class RequestScanner {
  private readonly parser = new SaxesParser(PARSER_OPTIONS);
  private fields = new RequestFields();

  constructor() {
    // Not reached for a DOCTYPE in the prolog (refused before parsing): a second line of defence.
    this.parser.on('doctype', () => {
      throw malformed(DTD_MESSAGE);
    });
    this.parser.on('opentag', (tag) => this.fields.open(tag));
    this.parser.on('closetag', () => this.fields.close());
    this.parser.on('text', (data) => this.fields.append(data));
    this.parser.on('cdata', (data) => this.fields.append(data));
  }

  read(text: string): RequestFields {
    const fields = (this.fields = new RequestFields());
    this.parser.write(text).close();
    return fields;
  }
}

type Field = 'emailAddress' | 'acceptableResponseSchema';

/**
 * The values we read, collected while the parser streams through the document. Element
 * levels: 1 is the root, 2 its children (the first `Request` in the root's namespace),
 * 3 the children of that `Request` (the first `EMailAddress` and the first
 * `AcceptableResponseSchema` in that namespace). A field's value is its element's own
 * text and CDATA, not that of deeper elements; null when the element is absent.
 */
class RequestFields {
  rootNamespace = '';
  rootIsAutodiscover = false;
  emailAddress: string | null = null;
  acceptableResponseSchema: string | null = null;

  /** Open elements, self-closing ones included while their events run. */
  private depth = 0;
  private requestSeen = false;
  private inRequest = false;
  private field: Field | null = null;

  open(tag: SaxesTagNS): void {
    const level = ++this.depth;
    // Self-closing elements do not nest anything, so they do not count towards the limit.
    if (level > MAX_ELEMENT_DEPTH && !tag.isSelfClosing) {
      throw malformed('XML is nested too deeply');
    }
    if (level === 1) {
      this.rootNamespace = tag.uri;
      this.rootIsAutodiscover = tag.local === 'Autodiscover';
    } else if (!this.rootIsAutodiscover || tag.uri !== this.rootNamespace) {
      return;
    } else if (level === 2 && !this.requestSeen && tag.local === 'Request') {
      this.requestSeen = true;
      this.inRequest = true;
    } else if (level === 3 && this.inRequest) {
      this.field = this.firstOccurrence(tag.local);
    }
  }

  private firstOccurrence(localName: string): Field | null {
    if (localName === 'EMailAddress' && this.emailAddress === null) {
      this.emailAddress = '';
      return 'emailAddress';
    }
    if (localName === 'AcceptableResponseSchema' && this.acceptableResponseSchema === null) {
      this.acceptableResponseSchema = '';
      return 'acceptableResponseSchema';
    }
    return null;
  }

  close(): void {
    const level = this.depth--;
    if (level === 3) this.field = null;
    else if (level === 2) this.inRequest = false;
  }

  append(data: string): void {
    if (this.field === null || this.depth !== 3) return;
    this[this.field] += data;
  }
}
