import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import { exampleSettings } from '../support/fake-mailbox';
import { checkOutlookResponseStructure } from './outlook-response-structure';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

const IMAP =
  '<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>143</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>off</SSL><Encryption>TLS</Encryption>' +
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
});
