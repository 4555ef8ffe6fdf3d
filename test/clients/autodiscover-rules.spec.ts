import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import type {
  DavServer,
  DomainSettings,
  MailServer,
} from '../../src/mail-settings/domain-settings';
import type { EmailAddress } from '../../src/mail-settings/mailbox';
import { checkMobilesyncError, checkThunderbirdAutodiscover } from './autodiscover-rules';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

const IMAP =
  '<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>143</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>off</SSL><Encryption>TLS</Encryption>' +
  '<SPA>off</SPA></Protocol>';
const POP =
  '<Protocol><Type>POP3</Type><Server>pop.example.com</Server><Port>995</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>on</SSL><SPA>off</SPA></Protocol>';
const SMTP =
  '<Protocol><Type>SMTP</Type><Server>smtp.example.com</Server><Port>587</Port>' +
  '<LoginName /><SSL>off</SSL><SPA>off</SPA></Protocol>';
const CALDAV =
  '<Protocol><Type>CalDAV</Type><Server>https://dav.example.com</Server>' +
  '<SSL>on</SSL><DomainRequired>off</DomainRequired></Protocol>';

function outlook(...protocols: string[]): string {
  return (
    `<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${OUTLOOK_NS}">` +
    '<Account><AccountType>email</AccountType><Action>settings</Action>' +
    protocols.join('') +
    '</Account></Response></Autodiscover>'
  );
}

const GOOD_OUTLOOK = outlook(IMAP, SMTP, CALDAV);

function mobilesync(inner: string): string {
  return `<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${MOBILESYNC_NS}">${inner}</Response></Autodiscover>`;
}

const GOOD_ERROR_PARTS = {
  culture: '<Culture>en:us</Culture>',
  user: '<User><EMailAddress>alice@example.com</EMailAddress></User>',
  action:
    '<Action><Error><Status>2</Status><Message>No provider</Message>' +
    '<DebugData>MailUser</DebugData><ErrorCode>601</ErrorCode></Error></Action>',
};
const GOOD_ERROR = mobilesync(
  GOOD_ERROR_PARTS.culture + GOOD_ERROR_PARTS.user + GOOD_ERROR_PARTS.action,
);

/** Exactly one violation, containing every fragment given. */
function expectOneViolation(violations: string[], ...fragments: string[]): void {
  expect(violations).toHaveLength(1);
  for (const fragment of fragments) expect(violations[0]).toContain(fragment);
}

describe(checkThunderbirdAutodiscover.name, () => {
  it('accepts a good document, pretty-printed or with a declaration', () => {
    expect(checkThunderbirdAutodiscover(GOOD_OUTLOOK)).toEqual([]);
    const pretty = `<?xml version="1.0" encoding="utf-8"?>\n${GOOD_OUTLOOK.replace(/></g, '>\n  <')}`;
    expect(checkThunderbirdAutodiscover(pretty)).toEqual([]);
  });

  it('accepts POP3 as the incoming server, and an account without protocols', () => {
    expect(checkThunderbirdAutodiscover(outlook(POP, SMTP))).toEqual([]);
    expect(checkThunderbirdAutodiscover(outlook())).toEqual([]);
    expect(checkThunderbirdAutodiscover(outlook(CALDAV))).toEqual([]);
  });

  it('ignores Protocols of other types (EXCH, WEB)', () => {
    const exch = '<Protocol><Type>EXCH</Type><Server>ex</Server></Protocol>';
    expect(checkThunderbirdAutodiscover(outlook(exch, IMAP, SMTP))).toEqual([]);
  });

  it('rejects a document that is not well-formed', () => {
    expectOneViolation(checkThunderbirdAutodiscover(GOOD_OUTLOOK.slice(0, -5)), 'well-formed');
    expectOneViolation(checkThunderbirdAutodiscover(''), 'well-formed');
  });

  it('rejects prefixed element names anywhere', () => {
    const rootPrefixed = GOOD_OUTLOOK.replace(
      `<Autodiscover xmlns="${RESPONSE_NS}">`,
      `<a:Autodiscover xmlns:a="${RESPONSE_NS}" xmlns="${RESPONSE_NS}">`,
    ).replace('</Autodiscover>', '</a:Autodiscover>');
    const violations = checkThunderbirdAutodiscover(rootPrefixed);
    expect(violations).toContainEqual(
      expect.stringContaining('a:Autodiscover[1] has a namespace prefix'),
    );
    const innerPrefixed = GOOD_OUTLOOK.replace(
      '<Server>imap.example.com</Server>',
      `<o:Server xmlns:o="${OUTLOOK_NS}">imap.example.com</o:Server>`,
    );
    const inner = checkThunderbirdAutodiscover(innerPrefixed);
    expect(inner).toContainEqual(expect.stringContaining('o:Server[1] has a namespace prefix'));
  });

  it('rejects a root other than Autodiscover or without the default response namespace', () => {
    const renamed = GOOD_OUTLOOK.replace('<Autodiscover', '<Discover').replace(
      '</Autodiscover>',
      '</Discover>',
    );
    expectOneViolation(checkThunderbirdAutodiscover(renamed), '<Discover>');
    const noNs = GOOD_OUTLOOK.replace(` xmlns="${RESPONSE_NS}"`, '');
    expectOneViolation(checkThunderbirdAutodiscover(noNs), 'default xmlns');
    const wrongNs = GOOD_OUTLOOK.replace(RESPONSE_NS, 'urn:wrong');
    expectOneViolation(checkThunderbirdAutodiscover(wrongNs), 'default xmlns');
  });

  it('rejects a Response outside the Outlook 2006a namespace', () => {
    const inherited = GOOD_OUTLOOK.replace(` xmlns="${OUTLOOK_NS}"`, '');
    expectOneViolation(checkThunderbirdAutodiscover(inherited), 'Response[1]', OUTLOOK_NS);
    const mobilesyncNs = GOOD_OUTLOOK.replace(OUTLOOK_NS, MOBILESYNC_NS);
    expectOneViolation(checkThunderbirdAutodiscover(mobilesyncNs), 'Response[1]', MOBILESYNC_NS);
  });

  it('rejects a missing Response or Account', () => {
    expectOneViolation(
      checkThunderbirdAutodiscover(`<Autodiscover xmlns="${RESPONSE_NS}"/>`),
      '0 Response',
    );
    expectOneViolation(
      checkThunderbirdAutodiscover(
        `<Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${OUTLOOK_NS}"/></Autodiscover>`,
      ),
      '0 Account',
    );
  });

  it('rejects a wrong AccountType or Action', () => {
    expectOneViolation(
      checkThunderbirdAutodiscover(GOOD_OUTLOOK.replace('>email<', '>mobile<')),
      'AccountType',
      '"email"',
    );
    expectOneViolation(
      checkThunderbirdAutodiscover(GOOD_OUTLOOK.replace('>settings<', '>redirectUrl<')),
      'Action',
      '"settings"',
    );
    expectOneViolation(
      checkThunderbirdAutodiscover(GOOD_OUTLOOK.replace('<Action>settings</Action>', '')),
      '0 Action',
    );
  });

  it('rejects mail protocols without an incoming or without an SMTP server', () => {
    expectOneViolation(checkThunderbirdAutodiscover(outlook(SMTP)), 'IMAP or POP3');
    expectOneViolation(checkThunderbirdAutodiscover(outlook(IMAP, CALDAV)), 'SMTP');
  });

  it.each(['Type', 'Server', 'Port', 'LoginName', 'SPA'])(
    'rejects a mail Protocol without %s',
    (name) => {
      const element = new RegExp(`<${name}>[^<]*</${name}>|<${name} />`);
      const broken = outlook(IMAP.replace(element, ''), SMTP);
      const violations = checkThunderbirdAutodiscover(broken);
      expect(violations).toContainEqual(expect.stringContaining(name));
    },
  );

  it('rejects an empty Server', () => {
    const broken = outlook(IMAP.replace('imap.example.com', ' '), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(broken), 'Server', 'empty');
  });

  it.each(['0', '65536', '-1', '143.0', 'abc', '', ' 143'])('rejects Port %j', (port) => {
    const broken = outlook(IMAP.replace('<Port>143</Port>', `<Port>${port}</Port>`), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(broken), 'Port', '1 to 65535');
  });

  it.each(['1', '65535'])('accepts Port %s', (port) => {
    const good = outlook(IMAP.replace('<Port>143</Port>', `<Port>${port}</Port>`), SMTP);
    expect(checkThunderbirdAutodiscover(good)).toEqual([]);
  });

  it.each(['on', 'OFF', ''])('rejects SPA %j', (spa) => {
    const broken = outlook(IMAP, SMTP.replace('<SPA>off</SPA>', `<SPA>${spa}</SPA>`));
    expectOneViolation(checkThunderbirdAutodiscover(broken), 'SPA', 'NTLM');
  });

  it('rejects duplicated elements in a mail Protocol', () => {
    const broken = outlook(IMAP.replace('<SPA>off</SPA>', '<SPA>off</SPA><SPA>off</SPA>'), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(broken), '2 SPA');
  });

  it('rejects a Protocol without Type even among DAV protocols', () => {
    const untyped = '<Protocol><Server>x</Server></Protocol>';
    expectOneViolation(checkThunderbirdAutodiscover(outlook(IMAP, SMTP, untyped)), 'no Type');
  });
});

describe(checkMobilesyncError.name, () => {
  it('accepts a good document, with or without Culture and User', () => {
    expect(checkMobilesyncError(GOOD_ERROR)).toEqual([]);
    expect(checkMobilesyncError(mobilesync(GOOD_ERROR_PARTS.action))).toEqual([]);
    const reordered =
      '<Action><Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message>' +
      '<Status>2</Status></Error></Action>';
    expect(checkMobilesyncError(mobilesync(GOOD_ERROR_PARTS.culture + reordered))).toEqual([]);
  });

  it('rejects a document that is not well-formed', () => {
    expectOneViolation(checkMobilesyncError(GOOD_ERROR.slice(0, -3)), 'well-formed');
  });

  it('rejects prefixes, a wrong root and a wrong Response namespace', () => {
    const prefixed = GOOD_ERROR.replace(
      '<Culture>en:us</Culture>',
      `<m:Culture xmlns:m="${MOBILESYNC_NS}">en:us</m:Culture>`,
    );
    expect(checkMobilesyncError(prefixed)).toContainEqual(
      expect.stringContaining('has a namespace prefix'),
    );
    expectOneViolation(
      checkMobilesyncError(GOOD_ERROR.replace(` xmlns="${RESPONSE_NS}"`, '')),
      'default xmlns',
    );
    expectOneViolation(
      checkMobilesyncError(GOOD_ERROR.replace(MOBILESYNC_NS, OUTLOOK_NS)),
      'namespace',
    );
  });

  it('rejects Response children out of order or unknown', () => {
    const swapped = mobilesync(
      GOOD_ERROR_PARTS.user + GOOD_ERROR_PARTS.culture + GOOD_ERROR_PARTS.action,
    );
    expectOneViolation(checkMobilesyncError(swapped), 'Culture[1]', 'out of order');
    const extra = mobilesync(GOOD_ERROR_PARTS.action + '<Account/>');
    expectOneViolation(checkMobilesyncError(extra), 'Account[1]', 'not one of');
    expectOneViolation(
      checkMobilesyncError(mobilesync('<Culture></Culture>' + GOOD_ERROR_PARTS.action)),
      'Culture',
      'empty',
    );
  });

  it('rejects a User without exactly one EMailAddress', () => {
    expectOneViolation(
      checkMobilesyncError(mobilesync('<User/>' + GOOD_ERROR_PARTS.action)),
      '0 EMailAddress',
    );
    expectOneViolation(
      checkMobilesyncError(
        mobilesync('<User><EMailAddress>a</EMailAddress><X/></User>' + GOOD_ERROR_PARTS.action),
      ),
      'unexpected X',
    );
  });

  it('rejects a missing Action or Error, and Settings next to Error', () => {
    expectOneViolation(checkMobilesyncError(mobilesync(GOOD_ERROR_PARTS.culture)), '0 Action');
    expectOneViolation(checkMobilesyncError(mobilesync('<Action/>')), '0 Error');
    const withSettings = GOOD_ERROR.replace('<Action>', '<Action><Settings/>');
    expectOneViolation(checkMobilesyncError(withSettings), 'Settings besides Error');
  });

  it.each([
    ['<Status>2</Status>', '', 'no Status'],
    ['<Status>2</Status>', '<Status>1</Status>', 'not an error status'],
    ['<Status>2</Status>', '<Status>x</Status>', 'not an error status'],
    ['<Message>No provider</Message>', '', 'no Message'],
    ['<Message>No provider</Message>', '<Message> </Message>', 'no Message'],
    ['<ErrorCode>601</ErrorCode>', '', 'no ErrorCode'],
    ['<ErrorCode>601</ErrorCode>', '<ErrorCode>500</ErrorCode>', 'not 600 or 601'],
    ['<DebugData>MailUser</DebugData>', '<Debug/>', 'Debug[1] is not one of'],
    ['<DebugData>MailUser</DebugData>', '<Status>3</Status>', 'more than once'],
  ])('rejects an Error with %s replaced by %j', (from, to, fragment) => {
    expectOneViolation(checkMobilesyncError(GOOD_ERROR.replace(from, to)), fragment);
  });
});

describe('AutodiscoverRenderer output', () => {
  const renderer = new AutodiscoverRenderer();
  const alice: EmailAddress = {
    address: 'alice@example.com',
    localPart: 'alice',
    domain: 'example.com',
  };

  function server(
    id: number,
    type: string,
    port: number,
    socketType: string,
    userName = '%EMAILADDRESS%',
  ): MailServer {
    return {
      id,
      prio: 10,
      name: `${type}.example.com`,
      port,
      type,
      socketType,
      userName,
      authentication: 'plain',
    };
  }

  function davServer(id: number, type: string, port: number): DavServer {
    return {
      id,
      url: `https://${type}.example.com/`,
      port,
      type,
      useSsl: true,
      domainRequired: id % 2 === 0,
      userName: id % 2 === 0 ? null : '%EMAILADDRESS%',
    };
  }

  function settings(servers: MailServer[], davServers: DavServer[] = []): DomainSettings {
    return {
      domainId: 1,
      domainName: 'example.com',
      provider: { id: 1, name: 'Example', shortName: 'Ex' },
      providerDomains: ['example.com'],
      servers,
      davServers,
      ldapServer: null,
    };
  }

  it.each([
    [
      'IMAP + SMTP',
      settings([server(1, 'imap', 143, 'STARTTLS'), server(2, 'smtp', 587, 'STARTTLS')]),
    ],
    ['POP + SMTP, SSL', settings([server(1, 'pop', 995, 'SSL'), server(2, 'smtp', 465, 'SSL')])],
    [
      'every socket type',
      settings(
        ['SSL', 'STARTTLS', 'Auto', 'None', 'plain'].flatMap((socket, i) => [
          server(2 * i + 1, 'imap', 993, socket),
          server(2 * i + 2, 'smtp', 465, socket),
        ]),
      ),
    ],
    [
      'empty user names',
      settings([server(1, 'imap', 143, 'STARTTLS', ''), server(2, 'smtp', 587, 'STARTTLS', '')]),
    ],
    [
      'DAV servers',
      settings(
        [server(1, 'imap', 143, 'STARTTLS'), server(2, 'smtp', 587, 'STARTTLS')],
        [davServer(1, 'caldav', 443), davServer(2, 'carddav', 0)],
      ),
    ],
    ['no servers', settings([])],
    ['DAV only', settings([], [davServer(1, 'caldav', 0)])],
  ])('passes the Thunderbird rules: %s', (_name, domain) => {
    expect(checkThunderbirdAutodiscover(renderer.renderOutlook(domain, alice))).toEqual([]);
    expect(
      checkThunderbirdAutodiscover(
        renderer.renderOutlook(domain, alice, { uid: 'alice', cn: 'Alice & Co' }),
      ),
    ).toEqual([]);
  });

  it.each([
    [600, null],
    [600, 'alice@example.com'],
    [601, 'alice@example.com'],
    [601, null],
  ] as const)('renders a valid mobilesync error %s for %s', (code, address) => {
    expect(checkMobilesyncError(renderer.renderMobilesyncError(code, address))).toEqual([]);
  });
});
