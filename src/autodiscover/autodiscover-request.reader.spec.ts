import fc from 'fast-check';
import { DomainError } from '../common/domain-error';
import {
  MOBILESYNC_REQUEST_NS,
  MOBILESYNC_RESPONSE_NS,
  OUTLOOK_REQUEST_NS,
  OUTLOOK_RESPONSE_NS,
} from './autodiscover-namespaces';
import { MAX_ELEMENT_DEPTH, readAutodiscoverRequest } from './autodiscover-request.reader';

function request(address: string, ns = OUTLOOK_REQUEST_NS, accept = OUTLOOK_RESPONSE_NS): string {
  return (
    `<Autodiscover xmlns="${ns}"><Request><EMailAddress>${address}</EMailAddress>` +
    `<AcceptableResponseSchema>${accept}</AcceptableResponseSchema></Request></Autodiscover>`
  );
}

function read(text: string) {
  return readAutodiscoverRequest(Buffer.from(text, 'utf8'));
}

function malformedError(body: Buffer | string): DomainError {
  try {
    readAutodiscoverRequest(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('MALFORMED_BODY');
    return error as DomainError;
  }
  throw new Error('expected MALFORMED_BODY');
}

function nested(depth: number): string {
  return '<a>'.repeat(depth) + '</a>'.repeat(depth);
}

describe('readAutodiscoverRequest: requests clients send', () => {
  it('reads an Outlook request', () => {
    expect(read(request('alice@example.com'))).toEqual({
      emailAddress: 'alice@example.com',
      schema: 'outlook',
    });
  });

  it('reads a mobilesync request', () => {
    expect(read(request('bob@example.com', MOBILESYNC_REQUEST_NS, MOBILESYNC_RESPONSE_NS))).toEqual(
      { emailAddress: 'bob@example.com', schema: 'mobilesync' },
    );
  });

  it('treats the mobilesync response schema in the Outlook namespace as mobilesync', () => {
    expect(read(request('a@b.example', OUTLOOK_REQUEST_NS, MOBILESYNC_RESPONSE_NS)).schema).toBe(
      'mobilesync',
    );
  });

  it('treats the mobilesync request namespace as mobilesync whatever the schema says', () => {
    expect(read(request('a@b.example', MOBILESYNC_REQUEST_NS, OUTLOOK_RESPONSE_NS)).schema).toBe(
      'mobilesync',
    );
  });

  it('defaults to outlook without AcceptableResponseSchema', () => {
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body)).toEqual({ emailAddress: 'a@b.example', schema: 'outlook' });
  });

  it('resolves prefixed namespaces', () => {
    const body =
      `<a:Autodiscover xmlns:a="${MOBILESYNC_REQUEST_NS}"><a:Request>` +
      `<a:EMailAddress>p@example.com</a:EMailAddress>` +
      `<a:AcceptableResponseSchema>${MOBILESYNC_RESPONSE_NS}</a:AcceptableResponseSchema>` +
      `</a:Request></a:Autodiscover>`;
    expect(read(body)).toEqual({ emailAddress: 'p@example.com', schema: 'mobilesync' });
  });

  it('resolves a prefix declared on an inner element and mixed default/prefixed names', () => {
    const body =
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><r:Request xmlns:r="${OUTLOOK_REQUEST_NS}">` +
      `<EMailAddress>m@example.com</EMailAddress></r:Request></Autodiscover>`;
    expect(read(body).emailAddress).toBe('m@example.com');
  });

  it('reads a pretty-printed body with a declaration, a BOM and whitespace around the address', () => {
    const body =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n' +
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">\n  <Request>\n` +
      '    <EMailAddress>\n      alice@example.com\t\n    </EMailAddress>\n' +
      `    <AcceptableResponseSchema>\n ${OUTLOOK_RESPONSE_NS}\n </AcceptableResponseSchema>\n` +
      '  </Request>\n</Autodiscover>\n';
    expect(read(body)).toEqual({ emailAddress: 'alice@example.com', schema: 'outlook' });
  });

  it('accepts comments and processing instructions', () => {
    const body =
      '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?>\n' +
      `<!-- hello --><Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><?pi x?><Request>` +
      '<EMailAddress><!-- c -->c@example.com</EMailAddress></Request></Autodiscover>';
    expect(read(body).emailAddress).toBe('c@example.com');
  });

  it('decodes predefined entities and character references, and keeps CDATA as is', () => {
    expect(read(request('a&amp;b&#43;c&#x2B;d@example.com')).emailAddress).toBe(
      'a&b+c+d@example.com',
    );
    expect(read(request('<![CDATA[x&amp;y]]>@example.com')).emailAddress).toBe(
      'x&amp;y@example.com',
    );
  });

  it('keeps non-ASCII addresses', () => {
    expect(read(request('jörg@müller.example')).emailAddress).toBe('jörg@müller.example');
  });

  it('reads the first EMailAddress when there are several', () => {
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>first@x.example</EMailAddress><EMailAddress>second@x.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body).emailAddress).toBe('first@x.example');
  });
});

describe('readAutodiscoverRequest: documents without an address', () => {
  it.each([
    ['<ham/>', '<ham/>'],
    [
      'no namespace',
      '<Autodiscover><Request><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>',
    ],
    ['a wrong namespace', request('a@b.example', 'urn:wrong')],
    ['the response namespace', request('a@b.example', OUTLOOK_RESPONSE_NS)],
    [
      'a Request outside the namespace',
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request xmlns=""><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>`,
    ],
    [
      'an EMailAddress in another namespace',
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><x:EMailAddress xmlns:x="urn:x">a@b.example</x:EMailAddress></Request></Autodiscover>`,
    ],
    [
      'a prefix bound to another namespace',
      `<a:Autodiscover xmlns:a="${OUTLOOK_REQUEST_NS}"><a:Request><EMailAddress>a@b.example</EMailAddress></a:Request></a:Autodiscover>`,
    ],
    [
      'an EMailAddress not under Request',
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><EMailAddress>a@b.example</EMailAddress></Autodiscover>`,
    ],
    [
      'a deeper EMailAddress',
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><X><EMailAddress>a@b.example</EMailAddress></X></Request></Autodiscover>`,
    ],
    [
      'a wrong root name',
      `<Discover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>a@b.example</EMailAddress></Request></Discover>`,
    ],
    ['no EMailAddress', `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request/></Autodiscover>`],
    ['an empty EMailAddress', request('')],
    ['a blank EMailAddress', request(' \n\t ')],
  ])('%s → null address', (_name, body) => {
    expect(read(body).emailAddress).toBeNull();
  });

  it('still reports the mobilesync schema when the address is missing', () => {
    const body = `<Autodiscover xmlns="${MOBILESYNC_REQUEST_NS}"><Request/></Autodiscover>`;
    expect(read(body)).toEqual({ emailAddress: null, schema: 'mobilesync' });
  });
});

describe('readAutodiscoverRequest: refused bodies', () => {
  it('refuses an empty or whitespace-only body', () => {
    malformedError(Buffer.alloc(0));
    malformedError(' \r\n\t ');
  });

  it('refuses invalid UTF-8', () => {
    const prefix = Buffer.from(
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>`,
    );
    const suffix = Buffer.from('</EMailAddress></Request></Autodiscover>');
    malformedError(Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), suffix]));
    malformedError(Buffer.concat([prefix, Buffer.from([0xc3]), suffix]));
    expect(
      malformedError(Buffer.concat([prefix, Buffer.from([0xed, 0xa0, 0x80]), suffix])).message,
    ).toMatch(/UTF-8/);
  });

  it('refuses overlong UTF-8 (C0 AF, an overlong "/")', () => {
    const body = Buffer.concat([
      Buffer.from(`<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>a`),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('@b.example</EMailAddress></Request></Autodiscover>'),
    ]);
    expect(malformedError(body).message).toMatch(/UTF-8/);
  });

  it('refuses a billion-laughs document', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) {
      entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    }
    const body = `<?xml version="1.0"?><!DOCTYPE lolz [${entities.join('')}]><lolz>&lol9;</lolz>`;
    expect(malformedError(body).message).toMatch(/DTD/);
  });

  it('refuses an external entity (XXE)', () => {
    const body =
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' +
      `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>&e;</EMailAddress></Request></Autodiscover>`;
    expect(malformedError(body).message).toMatch(/DTD/);
  });

  it('refuses any DOCTYPE, whatever its case or content', () => {
    malformedError(`<!DOCTYPE Autodiscover>${request('a@b.example')}`);
    malformedError(`<!doctype Autodiscover>${request('a@b.example')}`);
    malformedError(`<!DOCTYPE x SYSTEM "http://attacker.example/x.dtd">${request('a@b.example')}`);
  });

  it('refuses references to undefined entities and invalid character references', () => {
    malformedError(request('&nbsp;a@b.example'));
    malformedError(request('&#0;a@b.example'));
    malformedError(request('&#xD800;a@b.example'));
    malformedError(request('&#x110000;a@b.example'));
  });

  it('refuses 100000 levels of nesting, quickly', () => {
    const started = Date.now();
    expect(malformedError(nested(100_000)).message).toMatch(/nested/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses 100000 unclosed levels of nesting, quickly', () => {
    const started = Date.now();
    malformedError('<a>'.repeat(100_000));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it(`accepts ${MAX_ELEMENT_DEPTH} levels and refuses ${MAX_ELEMENT_DEPTH + 1}`, () => {
    expect(read(nested(MAX_ELEMENT_DEPTH))).toEqual({ emailAddress: null, schema: 'outlook' });
    malformedError(nested(MAX_ELEMENT_DEPTH + 1));
  });

  it('does not count self-closing elements, comments or CDATA as nesting', () => {
    const filler = '<x/><x a="/>"/><!-- <a> --><![CDATA[<a><a>]]>'.repeat(200);
    expect(read(`<r>${filler}</r>`).emailAddress).toBeNull();
  });

  it.each([
    ['truncated', request('a@b.example').slice(0, -20)],
    ['unclosed root', `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">`],
    ['mismatched tags', '<a><b></a></b>'],
    ['text only', 'alice@example.com'],
    ['two roots', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['text before the root', 'x<a/>'],
    ['a bare ampersand', request('a&b@example.com')],
    ['"<" in an attribute value', '<a x="<"/>'],
    ['an unbound prefix', '<p:Autodiscover><p:Request/></p:Autodiscover>'],
    ['a declaration not at the start', `<a/><?xml version="1.0"?>`],
  ])('refuses malformed XML: %s', (_name, body) => {
    malformedError(body);
  });
});

describe('readAutodiscoverRequest: size', () => {
  it('reads a 1 MiB well-formed body (the size limit is enforced elsewhere)', () => {
    const head = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress> big@example.com </EMailAddress>`;
    const tail = '</Request></Autodiscover>';
    const unit = '<Padding attr="value">some text &amp; more</Padding><!-- comment -->\n';
    const count = Math.ceil((1024 * 1024 - head.length - tail.length) / unit.length);
    const body = Buffer.from(head + unit.repeat(count) + tail, 'utf8');
    expect(body.length).toBeGreaterThanOrEqual(1024 * 1024);
    const started = Date.now();
    expect(readAutodiscoverRequest(body)).toEqual({
      emailAddress: 'big@example.com',
      schema: 'outlook',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('readAutodiscoverRequest: what the reader tells the client', () => {
  it.each([
    ['Empty request body', ' \n'],
    ['DTDs and entity declarations are not allowed', `<!DOCTYPE a>${request('a@b.example')}`],
    ['DTDs and entity declarations are not allowed', `<!doctype a>${request('a@b.example')}`],
    ['DTDs and entity declarations are not allowed', '<!DOCTYPE a [<!ENTITY e "x">'],
    ['DTDs and entity declarations are not allowed', '<a/><!DOCTYPE a>'],
    ['DTDs and entity declarations are not allowed', '<a><!ENTITY e "x"></a>'],
    ['XML is nested too deeply', nested(MAX_ELEMENT_DEPTH + 1)],
    ['Undefined entity reference', request('&nbsp;a@b.example')],
    ['Invalid character reference', request('&#0;a@b.example')],
    ['Invalid character reference', request('&#xFFFE;a@b.example')],
    ['Unbound namespace prefix', '<p:Autodiscover><p:Request/></p:Autodiscover>'],
    ['Unbound namespace prefix', `${request('a@b.example').slice(0, -15)}<q:x/></Autodiscover>`],
    ['Text outside the root element', '<a/>x'],
    ['Text outside the root element', 'x<a/>'],
    ['Misplaced XML declaration', '<a/><?xml version="1.0"?>'],
    ['Misplaced XML declaration', '<a><?xml version="1.0"?></a>'],
    ['Malformed XML', '<a/><b/>'],
    ['Malformed XML', '<a><b></a></b>'],
    ['Malformed XML', '<a x="1" x="2"/>'],
    ['Malformed XML', '<a>]]></a>'],
    ['Malformed XML', '<a>\u0001</a>'],
    ['Malformed XML', request('a&b@example.com')],
    ['Malformed XML', `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">`],
  ])('says %j (case %#)', (message, body) => {
    expect(malformedError(body).message).toBe(message);
  });

  it('keeps XML 1.0 characters under an XML 1.1 declaration', () => {
    const body = `<?xml version="1.1"?>${request('&#1;a@b.example')}`;
    expect(malformedError(body).message).toBe('Invalid character reference');
  });

  it('decodes an escaped "<" and ">" in the address', () => {
    expect(read(request('&lt;a&gt;@b.example')).emailAddress).toBe('<a>@b.example');
  });

  it('stops at the first element too deep, before reading the rest', () => {
    // Past the limit comes an undefined entity: refused for nesting means the rest was never read.
    const body = '<a>'.repeat(10_000) + '&nbsp;' + '</a>'.repeat(10_000);
    expect(malformedError(body).message).toBe('XML is nested too deeply');
  });

  it.each([
    ['first', `<!DOCTYPE a [<!ENTITY e "x">]>${request('&e;')}`],
    [
      'after the declaration, comments and processing instructions',
      `<?xml version="1.0"?>\r\n<!-- c --> <?pi x?>\n<!DOCTYPE a [<!ENTITY e "x">]>${request('&e;')}`,
    ],
    ['inside the root', `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><!DOCTYPE a></Autodiscover>`],
    ['unterminated', '<!-- c --><!DOCTYPE a [<!ENTITY e "'],
  ])('refuses a DOCTYPE %s', (_name, body) => {
    expect(malformedError(body).message).toBe('DTDs and entity declarations are not allowed');
  });

  it('reads a document that only mentions a DOCTYPE in a comment', () => {
    const body = `<!-- <!DOCTYPE a> -->${request('a@b.example')}`;
    expect(read(body).emailAddress).toBe('a@b.example');
  });

  it('reads an element with 100000 attributes', () => {
    const attributes = Array.from({ length: 100_000 }, (_, i) => ` a${i}="${i}"`).join('');
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"${attributes}><Request><EMailAddress>x@y.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body).emailAddress).toBe('x@y.example');
  });

  it('reads only the first Request, even when it is empty', () => {
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request/><Request><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body).emailAddress).toBeNull();
  });

  it('reads only the first EMailAddress, even when it is empty', () => {
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress/><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body).emailAddress).toBeNull();
  });

  it("reads the address element's own text, not that of elements inside it", () => {
    const body = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>a<x>ignored</x>@b.example</EMailAddress></Request></Autodiscover>`;
    expect(read(body).emailAddress).toBe('a@b.example');
  });

  it('reads a self-closing element at the deepest level', () => {
    const body = '<a>'.repeat(MAX_ELEMENT_DEPTH) + '<b/>' + '</a>'.repeat(MAX_ELEMENT_DEPTH);
    expect(read(body).emailAddress).toBeNull();
  });

  it('reads correctly after refusing bodies, whatever stopped them', () => {
    for (const refused of [nested(MAX_ELEMENT_DEPTH + 1), '<!DOCTYPE a><a/>', '<a>', '<a/>x']) {
      malformedError(refused);
      expect(read(request('after@b.example'))).toEqual({
        emailAddress: 'after@b.example',
        schema: 'outlook',
      });
      const withoutAddress = `<Autodiscover xmlns="${MOBILESYNC_REQUEST_NS}"><Request/></Autodiscover>`;
      expect(read(withoutAddress)).toEqual({ emailAddress: null, schema: 'mobilesync' });
    }
  });
});

describe('readAutodiscoverRequest: generated well-formed requests', () => {
  /** Characters XML 1.0 does not allow in a document, even as a reference. */
  // eslint-disable-next-line no-control-regex
  const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

  /** Text with the characters that matter to XML, and anything else Unicode allows. */
  const addressText = fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('&', '<', '>', '"', "'", ']]>', ' ', '\t', '\n', '\r', '\u00a0', ';'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 40,
    })
    .map((text) => text.replace(NOT_XML, ''));

  /** Escaped character data; "\r" too, which a parser would otherwise read as "\n". */
  function escapeText(text: string, references: boolean): string {
    return text.replace(/[&<>\r]/g, (ch) =>
      references
        ? `&#${ch.codePointAt(0) ?? 0};`
        : ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }[ch] ?? ch),
    );
  }

  /** As CDATA sections, split where the text itself holds "]]>"; "\r" as a reference. */
  function asCdata(text: string): string {
    return text
      .split(/(\r)/)
      .map((part) =>
        part === '\r'
          ? '&#xD;'
          : part === ''
            ? ''
            : `<![CDATA[${part.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`,
      )
      .join('');
  }

  type GeneratedRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

  const requestArb = fc.record({
    address: addressText,
    mobilesync: fc.boolean(),
    acceptMobilesync: fc.option(fc.boolean()),
    prefix: fc.constantFrom('', 'a', 'ns1'),
    encoding: fc.constantFrom<'entities' | 'references' | 'cdata'>(
      'entities',
      'references',
      'cdata',
    ),
    comment: fc.boolean(),
    declaration: fc.boolean(),
    bom: fc.boolean(),
    space: fc.constantFrom('', '\n', '\r\n  ', ' \t'),
    sibling: fc.boolean(),
  });

  function build(r: GeneratedRequest): string {
    const ns = r.mobilesync ? MOBILESYNC_REQUEST_NS : OUTLOOK_REQUEST_NS;
    const q = (name: string) => (r.prefix === '' ? name : `${r.prefix}:${name}`);
    const xmlns = r.prefix === '' ? `xmlns="${ns}"` : `xmlns:${r.prefix}="${ns}"`;
    const content =
      r.encoding === 'cdata'
        ? asCdata(r.address)
        : escapeText(r.address, r.encoding === 'references');
    const accept =
      r.acceptMobilesync === null
        ? ''
        : `<${q('AcceptableResponseSchema')}>${r.acceptMobilesync ? MOBILESYNC_RESPONSE_NS : OUTLOOK_RESPONSE_NS}</${q('AcceptableResponseSchema')}>`;
    return (
      (r.bom ? '\uFEFF' : '') +
      (r.declaration ? '<?xml version="1.0" encoding="utf-8"?>' : '') +
      r.space +
      `<${q('Autodiscover')} ${xmlns}>${r.space}<${q('Request')}>${r.space}` +
      (r.sibling
        ? `<${q('Other')} x="&lt;&amp;"><${q('EMailAddress')}>no@b.example</${q('EMailAddress')}></${q('Other')}>`
        : '') +
      `<${q('EMailAddress')}>${r.comment ? '<!-- c -->' : ''}${content}</${q('EMailAddress')}>` +
      `${r.space}${accept}${r.space}</${q('Request')}>${r.space}</${q('Autodiscover')}>${r.space}`
    );
  }

  it('returns the address that was put in, and the schema asked for', () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        const result = read(build(r));
        const trimmed = r.address.trim();
        expect(result).toEqual({
          emailAddress: trimmed === '' ? null : trimmed,
          schema: r.mobilesync || r.acceptMobilesync === true ? 'mobilesync' : 'outlook',
        });
      }),
      { numRuns: 500 },
    );
  });
});
