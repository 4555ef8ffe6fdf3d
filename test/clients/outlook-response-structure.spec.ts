import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import { exampleSettings } from '../support/fake-mailbox';
import { checkOutlookResponseStructure } from './outlook-response-structure';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

const IMAP =
  '<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>143</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>on</SSL><Encryption>TLS</Encryption>' +
  '<SPA>off</SPA></Protocol>';
const SMTP =
  '<Protocol><Type>SMTP</Type><Server>smtp.example.com</Server><Port>587</Port>' +
  '<LoginName /><SSL>off</SSL><SPA>off</SPA></Protocol>';

function outlook(inner: string, user = ''): string {
  return (
    `<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${OUTLOOK_NS}">${user}` +
    `<Account>${inner}</Account></Response></Autodiscover>`
  );
}

const HEAD = '<AccountType>email</AccountType><Action>settings</Action>';
const GOOD = outlook(HEAD + IMAP + SMTP, '<User><DisplayName>Alice</DisplayName></User>');

function expectViolation(xml: string, fragment: string): void {
  const violations = checkOutlookResponseStructure(xml);
  expect(violations).toContainEqual(expect.stringContaining(fragment));
}

describe(checkOutlookResponseStructure.name, () => {
  it('accepts the shape, with and without User, with and without protocols', () => {
    expect(checkOutlookResponseStructure(GOOD)).toEqual([]);
    expect(checkOutlookResponseStructure(outlook(HEAD + IMAP))).toEqual([]);
    expect(checkOutlookResponseStructure(outlook(HEAD))).toEqual([]);
  });

  it('accepts what AutodiscoverRenderer writes', () => {
    const settings = exampleSettings({
      davServers: [
        {
          id: 1,
          url: 'https://dav.example.com',
          port: 443,
          type: 'caldav',
          useSsl: true,
          domainRequired: false,
          userName: '%EMAILADDRESS%',
        },
      ],
    });
    const address = { address: 'a@example.com', localPart: 'a', domain: 'example.com' };
    const xml = new AutodiscoverRenderer().renderOutlook(settings, address, { cn: 'A' });
    expect(checkOutlookResponseStructure(xml)).toEqual([]);
  });

  it('refuses XML that is not well-formed', () => {
    expectViolation(GOOD.slice(0, -3), 'well-formed');
  });

  it('refuses wrong root names and namespaces', () => {
    expectViolation(GOOD.replace(RESPONSE_NS, 'urn:x'), 'is not in');
    expectViolation(GOOD.replace(OUTLOOK_NS, 'urn:x'), 'Response[1] is not in');
    expectViolation(
      GOOD.replace('<Autodiscover', '<Discover').replace('</Autodiscover>', '</Discover>'),
      'not <Autodiscover>',
    );
  });

  it('refuses prefixes and namespace declarations below Response', () => {
    expectViolation(
      GOOD.replace('<Account>', '<a:Account xmlns:a="urn:a">').replace(
        '</Account>',
        '</a:Account>',
      ),
      'namespace prefix',
    );
    expectViolation(
      GOOD.replace('<Account>', `<Account xmlns="${OUTLOOK_NS}">`),
      'attribute xmlns',
    );
  });

  it('refuses a wrong order or unexpected elements in Response and Account', () => {
    expectViolation(
      outlook(HEAD).replace(
        '<Account>',
        '<Account/><User><DisplayName>x</DisplayName></User><Account>',
      ),
      'unexpected',
    );
    expectViolation(
      outlook('<Action>settings</Action><AccountType>email</AccountType>'),
      'lacks AccountType',
    );
    expectViolation(outlook(HEAD + IMAP + '<Image>x</Image>'), 'Image[1] is unexpected');
    expectViolation(outlook(IMAP), 'lacks AccountType');
  });

  it('checks AccountType, Action and User children', () => {
    expectViolation(outlook(HEAD.replace('email', 'mobile')), 'not "email"');
    expectViolation(outlook(HEAD.replace('settings', 'nothing')), 'not a known Action');
    expectViolation(outlook(HEAD, '<User><Name>x</Name></User>'), 'not a User child');
  });

  it('checks Protocol children: Type first, known names once each, valid values', () => {
    expectViolation(
      outlook(HEAD + IMAP.replace('<Type>IMAP</Type>', '')),
      'does not start with Type',
    );
    expectViolation(
      outlook(HEAD + IMAP.replace('<SPA>', '<Foo>x</Foo><SPA>')),
      'Foo[1] is not a Protocol child',
    );
    expectViolation(outlook(HEAD + IMAP.replace('<SPA>', '<SSL>on</SSL><SPA>')), 'more than once');
    expectViolation(outlook(HEAD + IMAP.replace('>IMAP<', '>MAPI<')), 'not a known protocol type');
    expectViolation(outlook(HEAD + IMAP.replace('>143<', '>0<')), 'not a port');
    expectViolation(outlook(HEAD + IMAP.replace('<SPA>off', '<SPA>yes')), 'not on/off');
    expectViolation(
      outlook(HEAD + IMAP.replace('>TLS<', '>STARTTLS<')),
      'not None, SSL, TLS or Auto',
    );
    expectViolation(
      outlook(HEAD + IMAP.replace('<Server>imap.example.com</Server>', '<Server><X/></Server>')),
      'has child elements',
    );
  });

  it.each([
    ['IMAP', IMAP, 'imap.example.com', 'imap.bücher.example', 'imap.xn--bcher-kva.example'],
    ['SMTP', SMTP, 'smtp.example.com', 'smtp.münchen.example', 'smtp.xn--mnchen-3ya.example'],
  ])(
    'refuses a U-label Server of a %s Protocol, naming the A-label',
    (_type, protocol, from, to, aLabel) => {
      const violations = checkOutlookResponseStructure(outlook(HEAD + protocol.replace(from, to)));
      expect(violations).toEqual([expect.stringContaining(`Server[1] "${to}" is not ASCII`)]);
      expect(violations[0]).toContain(aLabel);
      expect(checkOutlookResponseStructure(outlook(HEAD + protocol.replace(from, aLabel)))).toEqual(
        [],
      );
    },
  );

  const caldav = (url: string) =>
    `<Protocol><Type>CalDAV</Type><Server>${url}</Server><Port>443</Port><SSL>on</SSL>` +
    '<DomainRequired>off</DomainRequired></Protocol>';

  it.each([
    [
      'a U-label host',
      'https://kalender.bücher.example/calendars/%EMAILADDRESS%/',
      'https://kalender.xn--bcher-kva.example/calendars/%EMAILADDRESS%/',
    ],
    [
      'a non-ASCII path',
      'https://dav.example.com/kalender/straße/',
      'https://dav.example.com/kalender/stra%C3%9Fe/',
    ],
  ])('refuses a DAV Server URL with %s, naming its ASCII form', (_what, url, ascii) => {
    const violations = checkOutlookResponseStructure(outlook(HEAD + caldav(url)));
    expect(violations).toEqual([expect.stringContaining(`Server[1] "${url}" is not ASCII`)]);
    expect(violations[0]).toContain(`"${ascii}"`);
    expect(checkOutlookResponseStructure(outlook(HEAD + caldav(ascii)))).toEqual([]);
  });
});
