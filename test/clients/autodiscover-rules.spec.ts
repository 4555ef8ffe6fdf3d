import { AutodiscoverRenderer } from '../../src/autodiscover/autodiscover.renderer';
import type {
  DavServer,
  DomainSettings,
  MailServer,
} from '../../src/mail-settings/domain-settings';
import type { EmailAddress } from '../../src/mail-settings/mailbox';
import { checkMobilesyncError, checkThunderbirdAutodiscover } from './autodiscover-rules';
import type { StoredMailServer } from './stored-servers';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

/** A STARTTLS server as Thunderbird must read it: SSL on, Encryption TLS. */
const IMAP =
  '<Protocol><Type>IMAP</Type><Server>imap.example.com</Server><Port>143</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>on</SSL><Encryption>TLS</Encryption>' +
  '<SPA>off</SPA></Protocol>';
const POP =
  '<Protocol><Type>POP3</Type><Server>pop.example.com</Server><Port>995</Port>' +
  '<LoginName>alice@example.com</LoginName><SSL>on</SSL><SPA>off</SPA></Protocol>';
/** A plain (unencrypted) server: SSL off, no Encryption. */
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

describe(`${checkThunderbirdAutodiscover.name}: SSL, Encryption, A-labels (issue 13)`, () => {
  /** IMAP with its SSL and Encryption elements replaced (`undefined`: left out). */
  function imap(ssl: string | undefined, encryption: string | undefined): string {
    const security =
      (ssl === undefined ? '' : `<SSL>${ssl}</SSL>`) +
      (encryption === undefined ? '' : `<Encryption>${encryption}</Encryption>`);
    return IMAP.replace('<SSL>on</SSL><Encryption>TLS</Encryption>', security);
  }

  it.each(['TLS', 'SSL', 'Auto'])(
    'rejects Encryption %s with SSL off: Thunderbird would send the password in the clear',
    (encryption) => {
      expectOneViolation(
        checkThunderbirdAutodiscover(outlook(imap('off', encryption), SMTP)),
        'Protocol[1]',
        `Encryption "${encryption}" but SSL "off"`,
        'no encryption',
        '<SSL>on</SSL>',
      );
    },
  );

  it.each(['TLS', 'SSL', 'Auto'])('rejects Encryption %s without SSL', (encryption) => {
    expectOneViolation(
      checkThunderbirdAutodiscover(outlook(imap(undefined, encryption), SMTP)),
      `Encryption "${encryption}" but no SSL`,
    );
  });

  it.each(['TLS', 'SSL', 'Auto'])('accepts Encryption %s with SSL on', (encryption) => {
    expect(checkThunderbirdAutodiscover(outlook(imap('on', encryption), SMTP))).toEqual([]);
  });

  it('accepts SSL off with Encryption None or without Encryption (a plain server)', () => {
    expect(checkThunderbirdAutodiscover(outlook(imap('off', 'None'), SMTP))).toEqual([]);
    expect(checkThunderbirdAutodiscover(outlook(imap('off', undefined), SMTP))).toEqual([]);
    expect(checkThunderbirdAutodiscover(outlook(imap('on', undefined), SMTP))).toEqual([]);
  });

  it('rejects SSL on with Encryption None (they contradict each other)', () => {
    expectOneViolation(
      checkThunderbirdAutodiscover(outlook(imap('on', 'None'), SMTP)),
      'SSL "on" but Encryption "None"',
    );
  });

  it.each([
    ['IMAP', outlook(IMAP.replace('imap.example.com', 'imap.bücher.example'), SMTP)],
    ['SMTP', outlook(IMAP, SMTP.replace('smtp.example.com', 'smtp.bücher.example'))],
    ['POP3', outlook(POP.replace('pop.example.com', 'pop.bücher.example'), SMTP)],
  ])('rejects a U-label Server of a %s Protocol, naming the A-label', (_type, xml) => {
    expectOneViolation(
      checkThunderbirdAutodiscover(xml),
      'Server[1] "',
      'bücher.example" is not ASCII',
      'xn--bcher-kva.example',
      'Thunderbird drops the server',
    );
  });

  it('accepts an A-label Server, and does not read the Server of DAV Protocols', () => {
    const aLabels = outlook(IMAP.replace('imap.example.com', 'imap.xn--bcher-kva.example'), SMTP);
    expect(checkThunderbirdAutodiscover(aLabels)).toEqual([]);
    const dav = CALDAV.replace('dav.example.com', 'dav.bücher.example');
    expect(checkThunderbirdAutodiscover(outlook(IMAP, SMTP, dav))).toEqual([]);
  });
});

describe(`${checkThunderbirdAutodiscover.name} against the stored rows`, () => {
  function row(overrides: Partial<StoredMailServer> & Pick<StoredMailServer, 'type' | 'name'>) {
    return { port: 143, socketType: 'STARTTLS', authentication: 'plain', ...overrides };
  }
  const ROWS: StoredMailServer[] = [
    row({ type: 'imap', name: 'imap.example.com' }),
    row({ type: 'smtp', name: 'smtp.example.com', port: 587, socketType: 'plain' }),
  ];
  const GOOD = outlook(IMAP, SMTP);

  it('accepts a document that says what the rows say', () => {
    expect(checkThunderbirdAutodiscover(GOOD, { servers: ROWS })).toEqual([]);
  });

  it('matches stored socket types and host names in any spelling', () => {
    const rows = [
      row({ type: 'imap', name: 'IMAP.bücher.example', socketType: 'starttls' }),
      row({ type: 'smtp', name: 'smtp.example.com', port: 587, socketType: 'None' }),
    ];
    const xml = outlook(IMAP.replace('imap.example.com', 'imap.xn--bcher-kva.example'), SMTP);
    expect(checkThunderbirdAutodiscover(xml, { servers: rows })).toEqual([]);
  });

  it('rejects a mail Protocol that names no stored server (host, port or type)', () => {
    const otherHost = outlook(IMAP.replace('imap.example.com', 'imap.example.net'), SMTP);
    expectOneViolation(
      checkThunderbirdAutodiscover(otherHost, { servers: ROWS }),
      'Protocol[1] (IMAP imap.example.net:143) is none of the rows',
    );
    const otherPort = outlook(IMAP.replace('<Port>143</Port>', '<Port>993</Port>'), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(otherPort, { servers: ROWS }), 'none of');
    const otherType = outlook(IMAP.replace('<Type>IMAP</Type>', '<Type>POP3</Type>'), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(otherType, { servers: ROWS }), 'none of');
  });

  it.each(['none', 'None', 'plain', 'PLAIN'])(
    'rejects SSL on for a server stored as %p (Thunderbird would try TLS)',
    (socketType) => {
      const rows = [
        ROWS[0]!,
        row({ type: 'smtp', name: 'smtp.example.com', port: 587, socketType }),
      ];
      const xml = outlook(IMAP, SMTP.replace('<SSL>off</SSL>', '<SSL>on</SSL>'));
      expectOneViolation(
        checkThunderbirdAutodiscover(xml, { servers: rows }),
        'Protocol[2] has SSL "on"',
        `"${socketType}"`,
        'expected "off"',
      );
    },
  );

  it.each([
    ['SSL', 'SSL'],
    ['ssl', 'SSL'],
    ['STARTTLS', 'TLS'],
    ['Starttls', 'TLS'],
    ['Auto', 'Auto'],
    ['AUTO', 'Auto'],
  ])('wants the Encryption Outlook reads for a server stored as %p: %p', (socketType, wanted) => {
    const rows = [row({ type: 'imap', name: 'imap.example.com', socketType }), ROWS[1]!];
    const right = outlook(IMAP.replace('>TLS<', `>${wanted}<`), SMTP);
    expect(checkThunderbirdAutodiscover(right, { servers: rows })).toEqual([]);
    const wrong = wanted === 'SSL' ? 'TLS' : 'SSL';
    const xml = outlook(IMAP.replace('>TLS<', `>${wrong}<`), SMTP);
    expectOneViolation(
      checkThunderbirdAutodiscover(xml, { servers: rows }),
      `Encryption "${wrong}"`,
      `Outlook needs "${wanted}"`,
    );
    const missing = outlook(IMAP.replace('<Encryption>TLS</Encryption>', ''), SMTP);
    expectOneViolation(checkThunderbirdAutodiscover(missing, { servers: rows }), 'Outlook needs');
  });

  it('rejects SPA on for password authentication, stored in any spelling', () => {
    const xml = outlook(IMAP.replace('<SPA>off</SPA>', '<SPA>on</SPA>'), SMTP);
    for (const authentication of ['plain', 'PLAIN', 'password-cleartext', 'secure', 'oauth2']) {
      const rows = [row({ type: 'imap', name: 'imap.example.com', authentication }), ROWS[1]!];
      expectOneViolation(checkThunderbirdAutodiscover(xml, { servers: rows }), 'SPA', 'NTLM');
    }
  });

  it.each(['NTLM', 'ntlm', 'GSSAPI', 'gssapi'])(
    'accepts SPA on or off for a server stored with %p',
    (authentication) => {
      const rows = [row({ type: 'imap', name: 'imap.example.com', authentication }), ROWS[1]!];
      const on = outlook(IMAP.replace('<SPA>off</SPA>', '<SPA>on</SPA>'), SMTP);
      expect(checkThunderbirdAutodiscover(on, { servers: rows })).toEqual([]);
      expect(checkThunderbirdAutodiscover(GOOD, { servers: rows })).toEqual([]);
      const missing = outlook(IMAP.replace('<SPA>off</SPA>', ''), SMTP);
      expectOneViolation(checkThunderbirdAutodiscover(missing, { servers: rows }), '0 SPA');
    },
  );
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
      name: `${type}${id}.example.com`,
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
        [
          'SSL',
          'STARTTLS',
          'Auto',
          'None',
          'plain',
          'ssl',
          'Starttls',
          'AUTO',
          'none',
          'PLAIN',
        ].flatMap((socket, i) => [
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
    const context = { servers: domain.servers };
    expect(checkThunderbirdAutodiscover(renderer.renderOutlook(domain, alice), context)).toEqual(
      [],
    );
    expect(
      checkThunderbirdAutodiscover(
        renderer.renderOutlook(domain, alice, { uid: 'alice', cn: 'Alice & Co' }),
        context,
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
