import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '../common/domain-error';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry, EmailAddress } from '../mail-settings/mailbox';
import { AutodiscoverRenderer } from './autodiscover.renderer';

const renderer = new AutodiscoverRenderer();

const alice: EmailAddress = {
  address: 'alice@example.com',
  localPart: 'alice',
  domain: 'example.com',
};

function mail(overrides: Partial<MailServer> = {}): MailServer {
  return {
    id: 1,
    prio: 10,
    name: 'imap.example.com',
    port: 143,
    type: 'imap',
    socketType: 'STARTTLS',
    userName: '%EMAILADDRESS%',
    authentication: 'plain',
    ...overrides,
  };
}

function dav(overrides: Partial<DavServer> = {}): DavServer {
  return {
    id: 1,
    url: 'https://caldav.example.com',
    port: 443,
    type: 'caldav',
    useSsl: true,
    domainRequired: false,
    userName: '%EMAILADDRESS%',
    ...overrides,
  };
}

function settings(
  servers: readonly MailServer[],
  davServers: readonly DavServer[] = [],
): DomainSettings {
  return {
    domainId: 1,
    domainName: 'example.com',
    provider: { id: 1, name: 'Big Corporation, Inc.', shortName: 'BigCorp' },
    providerDomains: ['example.com'],
    servers,
    davServers,
    ldapServer: null,
  };
}

const HEAD =
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">' +
  '<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">';
const ACCOUNT_HEAD = '<Account><AccountType>email</AccountType><Action>settings</Action>';
const TAIL = '</Account></Response></Autodiscover>';

function render(
  servers: readonly MailServer[],
  davServers: readonly DavServer[] = [],
  directory?: DirectoryEntry,
  address: EmailAddress = alice,
): string {
  return renderer.renderOutlook(settings(servers, davServers), address, directory);
}

/** The Protocol elements of a rendered document, in order. */
function protocols(xml: string): string[] {
  return xml.match(/<Protocol>.*?<\/Protocol>/g) ?? [];
}

interface ParsedProtocol {
  readonly [name: string]: string;
}

function parseBack(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'Protocol',
  }).parse(xml) as {
    Autodiscover: {
      Response: {
        User?: { DisplayName: string };
        Account: { Protocol: ParsedProtocol[] };
      };
    };
  };
  return parsed.Autodiscover.Response;
}

describe('AutodiscoverRenderer.renderOutlook', () => {
  it('renders the golden document', () => {
    const xml = render(
      [
        mail({ id: 1, name: 'imap.example.com', port: 143, socketType: 'STARTTLS' }),
        mail({ id: 2, name: 'smtp.example.com', port: 465, type: 'smtp', socketType: 'SSL' }),
      ],
      [
        dav({ id: 1 }),
        dav({
          id: 2,
          url: 'http://carddav.example.com',
          port: 0,
          type: 'carddav',
          useSsl: false,
          domainRequired: true,
          userName: null,
        }),
      ],
    );
    expect(xml).toBe(
      HEAD +
        ACCOUNT_HEAD +
        '<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>143</Port>' +
        '<LoginName>alice@example.com</LoginName><SSL>on</SSL><Encryption>TLS</Encryption>' +
        '<SPA>off</SPA></Protocol>' +
        '<Protocol><Type>SMTP</Type><Server>smtp.example.com</Server><Port>465</Port>' +
        '<LoginName>alice@example.com</LoginName><SSL>on</SSL><Encryption>SSL</Encryption>' +
        '<SPA>off</SPA></Protocol>' +
        '<Protocol><Type>CalDAV</Type><Server>https://caldav.example.com</Server><Port>443</Port>' +
        '<SSL>on</SSL><DomainRequired>off</DomainRequired>' +
        '<LoginName>alice@example.com</LoginName></Protocol>' +
        '<Protocol><Type>CardDAV</Type><Server>http://carddav.example.com</Server>' +
        '<SSL>off</SSL><DomainRequired>on</DomainRequired></Protocol>' +
        TAIL,
    );
  });

  it('renders a domain without servers as an account without protocols', () => {
    expect(render([])).toBe(HEAD + ACCOUNT_HEAD + TAIL);
  });

  it('has no XML declaration, no whitespace between elements and no prefixes', () => {
    const xml = render([mail()], [dav()], { cn: 'Alice' });
    expect(xml.startsWith('<Autodiscover ')).toBe(true);
    expect(xml).not.toMatch(/<\?xml/);
    expect(xml).not.toMatch(/>\s+</);
    expect(xml).not.toMatch(/<\/?[A-Za-z]+:/);
    expect(xml).not.toMatch(/xmlns:/);
  });

  it.each([
    ['imap', 'IMAP'],
    ['pop', 'POP3'],
    ['smtp', 'SMTP'],
  ])('maps server type %s to %s', (type, expected) => {
    expect(render([mail({ type })])).toContain(`<Protocol><Type>${expected}</Type>`);
  });

  it.each(['INVALID', 'IMAP', 'exchange', ''])('refuses server type %j', (type) => {
    const act = () => render([mail(), mail({ type })]);
    expect(act).toThrow(DomainError);
    expect(act).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_DATA' }));
  });

  // SSL is off only for an unencrypted server: Thunderbird reads `SSL off` as "no
  // encryption" whatever Encryption says. Unknown values are never sent as unencrypted.
  it.each([
    ['SSL', '<SSL>on</SSL><Encryption>SSL</Encryption>'],
    ['STARTTLS', '<SSL>on</SSL><Encryption>TLS</Encryption>'],
    ['Auto', '<SSL>on</SSL><Encryption>Auto</Encryption>'],
    ['None', '<SSL>off</SSL><Encryption>None</Encryption>'],
    ['plain', '<SSL>off</SSL><Encryption>None</Encryption>'],
    ['ssl', '<SSL>on</SSL><Encryption>SSL</Encryption>'],
    ['starttls', '<SSL>on</SSL><Encryption>TLS</Encryption>'],
    [' NONE ', '<SSL>off</SSL><Encryption>None</Encryption>'],
    ['tls', '<SSL>on</SSL><SPA>'],
    ['', '<SSL>on</SSL><SPA>'],
  ])('maps socket type %j', (socketType, expected) => {
    const [protocol] = protocols(render([mail({ socketType })]));
    expect(protocol).toContain(`</LoginName>${expected}`);
    expect(protocol).toMatch(/<SPA>off<\/SPA><\/Protocol>$/);
  });

  it('writes an empty LoginName as <LoginName />', () => {
    const [protocol] = protocols(render([mail({ userName: '' })]));
    expect(protocol).toContain('<Port>143</Port><LoginName /><SSL>on</SSL>');
  });

  it.each([
    ['NTLM', 'on'],
    ['gssapi', 'on'],
    ['plain', 'off'],
    ['password-encrypted', 'off'],
    ['OAuth2', 'off'],
    ['unknown', 'off'],
  ])('writes SPA for authentication %j as %j', (authentication, spa) => {
    const [protocol] = protocols(render([mail({ authentication })]));
    expect(protocol).toMatch(new RegExp(`<SPA>${spa}</SPA></Protocol>$`));
  });

  it('uses the directory uid as LoginName for every mail server, verbatim', () => {
    const xml = render(
      [mail(), mail({ type: 'smtp', userName: '' })],
      [dav({ userName: '%EMAILLOCALPART%' })],
      { uid: 'u-%EMAILADDRESS%' },
    );
    const [imap, smtp, caldav] = protocols(xml);
    expect(imap).toContain('<LoginName>u-%EMAILADDRESS%</LoginName>');
    expect(smtp).toContain('<LoginName>u-%EMAILADDRESS%</LoginName>');
    expect(caldav).toContain('<LoginName>alice</LoginName>');
  });

  it('ignores an empty uid', () => {
    expect(render([mail()], [], { uid: '' })).toContain('<LoginName>alice@example.com</LoginName>');
  });

  it('writes User/DisplayName only for a non-empty cn', () => {
    expect(render([mail()], [], { cn: 'Alice Liddell' })).toContain(
      '<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">' +
        '<User><DisplayName>Alice Liddell</DisplayName></User><Account>',
    );
    expect(render([mail()], [], { cn: '' })).not.toContain('<User>');
    expect(render([mail()], [], { uid: 'alice' })).not.toContain('<User>');
    expect(render([mail()])).not.toContain('<User>');
  });

  it('expands placeholders in LoginName only', () => {
    const address: EmailAddress = {
      address: 'Bob@Example.org',
      localPart: 'Bob',
      domain: 'Example.org',
    };
    const xml = render(
      [mail({ name: '%EMAILDOMAIN%.imap', userName: '%EMAILLOCALPART%+%EMAILDOMAIN%' })],
      [dav({ url: 'https://dav/%EMAILLOCALPART%/', userName: '%EMAILDOMAIN%\\%EMAILLOCALPART%' })],
      { cn: '%EMAILADDRESS%' },
      address,
    );
    expect(xml).toContain('<DisplayName>%EMAILADDRESS%</DisplayName>');
    expect(xml).toContain('<Server>%EMAILDOMAIN%.imap</Server>');
    expect(xml).toContain('<LoginName>Bob+Example.org</LoginName>');
    expect(xml).toContain('<Server>https://dav/%EMAILLOCALPART%/</Server>');
    expect(xml).toContain('<LoginName>Example.org\\Bob</LoginName>');
  });

  it('writes DAV Port only when > 0', () => {
    const [withPort, withoutPort, negative] = protocols(
      render([], [dav({ port: 8443 }), dav({ port: 0 }), dav({ port: -1 })]),
    );
    expect(withPort).toContain('<Server>https://caldav.example.com</Server><Port>8443</Port><SSL>');
    expect(withoutPort).toContain('<Server>https://caldav.example.com</Server><SSL>');
    expect(negative).not.toContain('<Port>');
  });

  it('maps DAV SSL and DomainRequired to on/off', () => {
    const [a, b] = protocols(
      render(
        [],
        [
          dav({ useSsl: true, domainRequired: false }),
          dav({ useSsl: false, domainRequired: true }),
        ],
      ),
    );
    expect(a).toContain('<SSL>on</SSL><DomainRequired>off</DomainRequired>');
    expect(b).toContain('<SSL>off</SSL><DomainRequired>on</DomainRequired>');
  });

  it('writes DAV LoginName only when non-empty', () => {
    const [none, empty, set] = protocols(
      render([], [dav({ userName: null }), dav({ userName: '' }), dav({ userName: 'x' })]),
    );
    expect(none).not.toContain('LoginName');
    expect(empty).not.toContain('LoginName');
    expect(set).toMatch(
      /<DomainRequired>off<\/DomainRequired><LoginName>x<\/LoginName><\/Protocol>$/,
    );
  });

  it('skips DAV servers of unknown types and keeps the order of the others', () => {
    const xml = render(
      [mail({ type: 'smtp' }), mail({ type: 'imap' })],
      [dav({ type: 'carddav' }), dav({ type: 'webdav' }), dav({ type: 'caldav' })],
    );
    const types = protocols(xml).map((p) => /<Type>(\w+)<\/Type>/.exec(p)?.[1]);
    expect(types).toEqual(['SMTP', 'IMAP', 'CardDAV', 'CalDAV']);
  });

  it('escapes & and < (and >), keeps quotes valid and non-ASCII text intact', () => {
    const cn = 'Ham & Eggs <"Jörg"> \'Ölmüller\' 日本 😀';
    const user = 'a&b<c>"d"\'e\'ü@example.com';
    const server = 'mail.müller.example&<">';
    const xml = render(
      [mail({ name: server, userName: user })],
      [dav({ url: 'https://x/?a=1&b="2"' })],
      {
        cn,
      },
    );
    expect(xml).toContain('Ham &amp; Eggs &lt;');
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    const response = parseBack(xml);
    expect(response.User?.DisplayName).toBe(cn);
    const [imap, caldav] = response.Account.Protocol;
    expect(imap?.Server).toBe(server);
    expect(imap?.LoginName).toBe(user);
    expect(caldav?.Server).toBe('https://x/?a=1&b="2"');
  });

  it('refuses text that XML cannot carry', () => {
    expect(() => render([mail({ name: 'imap\u0001.example.com' })])).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_DATA' }),
    );
    expect(() => render([mail()], [], { cn: 'bad \uD800 surrogate' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_DATA' }),
    );
  });
});

describe('AutodiscoverRenderer.renderMobilesyncError', () => {
  const head =
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">' +
    '<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">' +
    '<Culture>en:us</Culture>';

  it('renders 601 (no ActiveSync provider) with the address', () => {
    expect(renderer.renderMobilesyncError(601, 'alice@example.com')).toBe(
      head +
        '<User><EMailAddress>alice@example.com</EMailAddress></User>' +
        '<Action><Error><Status>2</Status>' +
        '<Message>No ActiveSync provider is available for this address</Message>' +
        '<DebugData>MailUser</DebugData><ErrorCode>601</ErrorCode></Error></Action>' +
        '</Response></Autodiscover>',
    );
  });

  it('renders 600 (invalid request) without User when the address is unknown', () => {
    expect(renderer.renderMobilesyncError(600, null)).toBe(
      head +
        '<Action><Error><Status>2</Status><Message>Invalid Request</Message>' +
        '<DebugData>MailUser</DebugData><ErrorCode>600</ErrorCode></Error></Action>' +
        '</Response></Autodiscover>',
    );
    expect(renderer.renderMobilesyncError(600, '')).not.toContain('<User>');
  });

  it('escapes the address', () => {
    const xml = renderer.renderMobilesyncError(601, 'a&<b>"c"@example.com');
    expect(xml).toContain('<EMailAddress>a&amp;&lt;b&gt;"c"@example.com</EMailAddress>');
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});
