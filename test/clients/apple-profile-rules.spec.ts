import type { DomainSettings, MailServer } from '../../src/mail-settings/domain-settings';
import type { EmailAddress } from '../../src/mail-settings/mailbox';
import { buildPlistXml, renderMobileconfig } from '../../src/mobileconfig/mobileconfig.renderer';
import type { StoredMailServer } from './stored-servers';
import {
  MAIL_AUTHENTICATION_VALUES,
  checkAppleProfile,
  parseWithPlistPackage,
  plistToJs,
  readPlist,
  type JsValue,
} from './apple-profile-rules';

type Dict = { [key: string]: JsValue };

const address: EmailAddress = {
  address: 'jane@example.com',
  localPart: 'jane',
  domain: 'example.com',
};

function mailServer(id: number, type: string, port: number): MailServer {
  const name = `${type}.example.net`;
  return {
    id,
    prio: 10,
    name,
    port,
    type,
    socketType: 'SSL',
    userName: '%EMAILADDRESS%',
    authentication: 'plain',
  };
}

const settings: DomainSettings = {
  domainId: 1,
  domainName: 'example.com',
  provider: { id: 1, name: 'Ham & Eggs', shortName: 'H+E' },
  providerDomains: ['example.com'],
  servers: [mailServer(1, 'imap', 993), mailServer(2, 'smtp', 465)],
  davServers: [
    {
      id: 1,
      url: 'https://cal.example.net/',
      port: 443,
      type: 'caldav',
      useSsl: true,
      domainRequired: false,
      userName: '%EMAILADDRESS%',
    },
    {
      id: 2,
      url: 'http://card.example.net:8080/',
      port: 0,
      type: 'carddav',
      useSsl: false,
      domainRequired: true,
      userName: null,
    },
  ],
  ldapServer: null,
};

/** UUIDs a…, b…, c…, d…: top level, mail, CalDAV, CardDAV. */
function letterUuids(): () => string {
  const letters = ['a', 'b', 'c', 'd', 'e'];
  let n = 0;
  return () => (letters[n++] ?? 'f').repeat(32);
}

function goodProfile(): string {
  return renderMobileconfig({
    settings,
    address,
    displayName: 'Jane <"Doe"> & Co',
    password: 'secret',
    uuid: letterUuids(),
  });
}

function goodDict(): Dict {
  const value = plistToJs(readPlist(goodProfile()));
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('not a dict');
  return value;
}

function payloadsOf(profile: Dict): JsValue[] {
  const content = profile.PayloadContent;
  if (!Array.isArray(content)) throw new Error('no PayloadContent');
  return content;
}

/** The profile with its top-level dict changed by `change`. */
function topLevel(change: (profile: Dict) => void): string {
  const profile = goodDict();
  change(profile);
  return buildPlistXml(profile);
}

/** The profile with payload `index` (0 mail, 1 CalDAV, 2 CardDAV) changed by `change`. */
function payload(index: number, change: (payload: Dict) => void): string {
  return topLevel((profile) => {
    const item = payloadsOf(profile)[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new Error(`no payload ${index}`);
    }
    change(item);
  });
}

/** The good profile with one exact piece of its text replaced (it must occur once). */
function replaced(search: string, replacement: string): string {
  const xml = goodProfile();
  if (xml.split(search).length !== 2) throw new Error(`${search} does not occur exactly once`);
  return xml.replace(search, replacement);
}

const TOP_VERSION = `<key>PayloadUUID</key><string>${'a'.repeat(32)}</string><key>PayloadVersion</key><integer>1</integer>`;
const MAIL_VERSION = `<key>PayloadUUID</key><string>${'b'.repeat(32)}</string><key>PayloadVersion</key><integer>1</integer>`;

describe('checkAppleProfile', () => {
  it('accepts renderer output', () => {
    expect(checkAppleProfile(goodProfile())).toEqual([]);
    expect(checkAppleProfile(renderMobileconfig({ settings, address }))).toEqual([]);
  });

  it('accepts a profile rebuilt from its parsed form (the mutation helpers are sound)', () => {
    expect(checkAppleProfile(topLevel(() => undefined))).toEqual([]);
  });

  it('agrees with plist.parse on what the document contains', () => {
    const xml = goodProfile();
    expect(parseWithPlistPackage(xml)).toEqual(plistToJs(readPlist(xml)));
  });

  it('accepts every documented authentication value and account type', () => {
    for (const value of MAIL_AUTHENTICATION_VALUES) {
      const xml = payload(0, (mail) => {
        mail.IncomingMailServerAuthentication = value;
        mail.OutgoingMailServerAuthentication = value;
      });
      expect(checkAppleProfile(xml)).toEqual([]);
    }
    const pop = payload(0, (mail) => {
      mail.EmailAccountType = 'EmailTypePOP';
    });
    expect(checkAppleProfile(pop)).toEqual([]);
  });

  it('accepts a pretty-printed profile', () => {
    const pretty = goodProfile().replace(/></g, '>\n  <');
    expect(checkAppleProfile(pretty)).toEqual([]);
  });

  // Each row: what is wrong, the bad profile, a violation that must be reported.
  const cases: [string, () => string, string][] = [
    // Document structure
    ['not XML at all', () => 'not a profile', 'not well-formed XML'],
    ['a broken tag', () => goodProfile().replace('</plist>', '</plst>'), 'not well-formed XML'],
    [
      'a non-plist element',
      () =>
        replaced(
          '<key>PayloadRemovalDisallowed</key><false/>',
          '<key>PayloadRemovalDisallowed</key><no/>',
        ),
      '<no> is not a plist value',
    ],
    [
      'an integer that is not a number',
      () => replaced(TOP_VERSION, TOP_VERSION.replace('<integer>1<', '<integer>one<')),
      '<integer> holds "one"',
    ],
    [
      'a root that is not a dict',
      () => '<plist version="1.0"><array/></plist>',
      'profile: expected <dict>, found <array>',
    ],
    // TopLevel.yaml
    [
      'top level: PayloadIdentifier missing',
      () => topLevel((p) => void delete p.PayloadIdentifier),
      'profile: missing required key PayloadIdentifier',
    ],
    [
      'top level: PayloadUUID missing',
      () => topLevel((p) => void delete p.PayloadUUID),
      'profile: missing required key PayloadUUID',
    ],
    [
      'top level: PayloadUUID not a string',
      () => topLevel((p) => void (p.PayloadUUID = 42)),
      'profile.PayloadUUID: expected <string>, found <integer>',
    ],
    [
      'top level: PayloadIdentifier not a string',
      () => topLevel((p) => void (p.PayloadIdentifier = true)),
      'profile.PayloadIdentifier: expected <string>, found <boolean>',
    ],
    [
      'top level: PayloadType missing',
      () => topLevel((p) => void delete p.PayloadType),
      'profile: missing required key PayloadType',
    ],
    [
      'top level: PayloadType not Configuration',
      () => topLevel((p) => void (p.PayloadType = 'com.apple.mail.managed')),
      'profile.PayloadType: "com.apple.mail.managed" is not one of ["Configuration"]',
    ],
    [
      'top level: PayloadVersion missing',
      () => topLevel((p) => void delete p.PayloadVersion),
      'profile: missing required key PayloadVersion',
    ],
    [
      'top level: PayloadVersion <real>',
      () => replaced(TOP_VERSION, TOP_VERSION.replace('<integer>1</integer>', '<real>1</real>')),
      'profile.PayloadVersion: expected <integer>, found <real>',
    ],
    [
      'top level: PayloadVersion a string',
      () => topLevel((p) => void (p.PayloadVersion = '1')),
      'profile.PayloadVersion: expected <integer>, found <string>',
    ],
    [
      'top level: PayloadVersion not 1',
      () => topLevel((p) => void (p.PayloadVersion = 2)),
      'profile.PayloadVersion: 2 is not one of [1]',
    ],
    [
      'top level: PayloadContent missing',
      () => topLevel((p) => void delete p.PayloadContent),
      'profile: missing required key PayloadContent',
    ],
    [
      'top level: PayloadContent not an array',
      () => topLevel((p) => void (p.PayloadContent = {})),
      'profile.PayloadContent: expected <array>, found <dict>',
    ],
    [
      'top level: PayloadRemovalDisallowed not a boolean',
      () => topLevel((p) => void (p.PayloadRemovalDisallowed = 'false')),
      'profile.PayloadRemovalDisallowed: expected <boolean>, found <string>',
    ],
    [
      'top level: PayloadDisplayName not a string',
      () => topLevel((p) => void (p.PayloadDisplayName = ['x'])),
      'profile.PayloadDisplayName: expected <string>, found <array>',
    ],
    [
      'top level: an unknown key',
      () => topLevel((p) => void (p.PayloadRemoveable = true)),
      'profile: unknown key PayloadRemoveable',
    ],
    [
      'a duplicated key',
      () => replaced(TOP_VERSION, `${TOP_VERSION}<key>PayloadVersion</key><integer>1</integer>`),
      'profile: duplicate key PayloadVersion',
    ],
    // CommonPayloadKeys.yaml
    [
      'payload: not a dict',
      () => topLevel((p) => void payloadsOf(p).push('mail')),
      'PayloadContent[3]: expected <dict>, found <string>',
    ],
    [
      'payload: PayloadUUID missing',
      () => payload(0, (m) => void delete m.PayloadUUID),
      'PayloadContent[0] (com.apple.mail.managed): missing required key PayloadUUID',
    ],
    [
      'payload: PayloadIdentifier missing',
      () => payload(1, (m) => void delete m.PayloadIdentifier),
      'PayloadContent[1] (com.apple.caldav.account): missing required key PayloadIdentifier',
    ],
    [
      'payload: PayloadIdentifier not a string',
      () => payload(2, (m) => void (m.PayloadIdentifier = 7)),
      'PayloadContent[2] (com.apple.carddav.account).PayloadIdentifier: expected <string>, found <integer>',
    ],
    [
      'payload: PayloadType missing',
      () => payload(0, (m) => void delete m.PayloadType),
      'PayloadContent[0]: missing required key PayloadType',
    ],
    [
      'payload: PayloadVersion <real>',
      () =>
        replaced(MAIL_VERSION, MAIL_VERSION.replace('<integer>1</integer>', '<real>1.0</real>')),
      'PayloadContent[0] (com.apple.mail.managed).PayloadVersion: expected <integer>, found <real>',
    ],
    [
      'payload: PayloadVersion missing',
      () => payload(2, (m) => void delete m.PayloadVersion),
      'PayloadContent[2] (com.apple.carddav.account): missing required key PayloadVersion',
    ],
    [
      'payload: a PayloadType without rules',
      () => payload(1, (m) => void (m.PayloadType = 'com.apple.caldav')),
      'PayloadContent[1] (com.apple.caldav): no rules for PayloadType "com.apple.caldav"',
    ],
    [
      'payloads sharing a PayloadUUID',
      () => payload(2, (m) => void (m.PayloadUUID = 'c'.repeat(32))),
      `PayloadUUID "${'c'.repeat(32)}" is used by more than one payload`,
    ],
    [
      'a payload reusing the profile PayloadUUID',
      () => payload(0, (m) => void (m.PayloadUUID = 'a'.repeat(32))),
      `PayloadUUID "${'a'.repeat(32)}" is used by more than one payload`,
    ],
    [
      'payloads sharing a PayloadIdentifier',
      () =>
        payload(1, (m) => void (m.PayloadIdentifier = `com.apple.mail.managed.${'b'.repeat(32)}`)),
      `PayloadIdentifier "com.apple.mail.managed.${'b'.repeat(32)}" is used by more than one payload`,
    ],
    // com.apple.mail.managed.yaml
    [
      'mail: EmailAccountType missing',
      () => payload(0, (m) => void delete m.EmailAccountType),
      'PayloadContent[0] (com.apple.mail.managed): missing required key EmailAccountType',
    ],
    [
      'mail: EmailAccountType not IMAP/POP',
      () => payload(0, (m) => void (m.EmailAccountType = 'EmailTypeEAS')),
      'EmailAccountType: "EmailTypeEAS" is not one of ["EmailTypeIMAP","EmailTypePOP"]',
    ],
    [
      'mail: IncomingMailServerAuthentication missing',
      () => payload(0, (m) => void delete m.IncomingMailServerAuthentication),
      'missing required key IncomingMailServerAuthentication',
    ],
    [
      'mail: IncomingMailServerAuthentication not in the range list',
      () => payload(0, (m) => void (m.IncomingMailServerAuthentication = 'EmailAuthPlain')),
      'IncomingMailServerAuthentication: "EmailAuthPlain" is not one of',
    ],
    [
      'mail: OutgoingMailServerAuthentication missing',
      () => payload(0, (m) => void delete m.OutgoingMailServerAuthentication),
      'missing required key OutgoingMailServerAuthentication',
    ],
    [
      'mail: OutgoingMailServerAuthentication not in the range list',
      () => payload(0, (m) => void (m.OutgoingMailServerAuthentication = 'plain')),
      'OutgoingMailServerAuthentication: "plain" is not one of',
    ],
    [
      'mail: IncomingMailServerHostName missing',
      () => payload(0, (m) => void delete m.IncomingMailServerHostName),
      'missing required key IncomingMailServerHostName',
    ],
    [
      'mail: OutgoingMailServerHostName missing',
      () => payload(0, (m) => void delete m.OutgoingMailServerHostName),
      'missing required key OutgoingMailServerHostName',
    ],
    [
      'mail: IncomingMailServerPortNumber <real>',
      () =>
        replaced(
          '<key>IncomingMailServerPortNumber</key><integer>993</integer>',
          '<key>IncomingMailServerPortNumber</key><real>993</real>',
        ),
      'IncomingMailServerPortNumber: expected <integer>, found <real>',
    ],
    [
      'mail: OutgoingMailServerPortNumber a string',
      () => payload(0, (m) => void (m.OutgoingMailServerPortNumber = '465')),
      'OutgoingMailServerPortNumber: expected <integer>, found <string>',
    ],
    [
      'mail: IncomingMailServerUseSSL a string',
      () => payload(0, (m) => void (m.IncomingMailServerUseSSL = 'true')),
      'IncomingMailServerUseSSL: expected <boolean>, found <string>',
    ],
    [
      'mail: OutgoingPasswordSameAsIncomingPassword an integer',
      () => payload(0, (m) => void (m.OutgoingPasswordSameAsIncomingPassword = 1)),
      'OutgoingPasswordSameAsIncomingPassword: expected <boolean>, found <integer>',
    ],
    [
      'mail: IncomingMailServerUsername not a string',
      () => payload(0, (m) => void (m.IncomingMailServerUsername = 5)),
      'IncomingMailServerUsername: expected <string>, found <integer>',
    ],
    [
      'mail: EmailAddress not a string',
      () => payload(0, (m) => void (m.EmailAddress = false)),
      'EmailAddress: expected <string>, found <boolean>',
    ],
    [
      'mail: a misspelt password key',
      () => payload(0, (m) => void (m.OutgoingMailServerPassword = 'secret')),
      'PayloadContent[0] (com.apple.mail.managed): unknown key OutgoingMailServerPassword',
    ],
    // com.apple.caldav.account.yaml
    [
      'CalDAV: CalDAVHostName missing',
      () => payload(1, (m) => void delete m.CalDAVHostName),
      'PayloadContent[1] (com.apple.caldav.account): missing required key CalDAVHostName',
    ],
    [
      'CalDAV: CalDAVPort <real>',
      () =>
        replaced(
          '<key>CalDAVPort</key><integer>443</integer>',
          '<key>CalDAVPort</key><real>443</real>',
        ),
      'CalDAVPort: expected <integer>, found <real>',
    ],
    [
      'CalDAV: CalDAVUseSSL a string',
      () => payload(1, (m) => void (m.CalDAVUseSSL = 'yes')),
      'CalDAVUseSSL: expected <boolean>, found <string>',
    ],
    [
      'CalDAV: a CardDAV key',
      () => payload(1, (m) => void (m.CardDAVHostName = 'cal.example.net')),
      'PayloadContent[1] (com.apple.caldav.account): unknown key CardDAVHostName',
    ],
    // com.apple.carddav.account.yaml
    [
      'CardDAV: CardDAVHostName missing',
      () => payload(2, (m) => void delete m.CardDAVHostName),
      'PayloadContent[2] (com.apple.carddav.account): missing required key CardDAVHostName',
    ],
    [
      'CardDAV: CardDAVPort a string',
      () => payload(2, (m) => void (m.CardDAVPort = '8080')),
      'CardDAVPort: expected <integer>, found <string>',
    ],
    [
      'CardDAV: CardDAVPrincipalURL not a string',
      () => payload(2, (m) => void (m.CardDAVPrincipalURL = ['http://card.example.net/'])),
      'CardDAVPrincipalURL: expected <string>, found <array>',
    ],
  ];

  it.each(cases)('reports %s', (_case, bad, violation) => {
    const violations = checkAppleProfile(bad());
    expect(violations).toContainEqual(expect.stringContaining(violation));
  });

  it('reports nothing but the injected fault', () => {
    const violations = checkAppleProfile(payload(0, (m) => void delete m.EmailAccountType));
    expect(violations).toEqual([
      'PayloadContent[0] (com.apple.mail.managed): missing required key EmailAccountType',
    ]);
  });
});

describe('checkAppleProfile: host names, URLs and ports (issue 13)', () => {
  const MAIL = 'PayloadContent[0] (com.apple.mail.managed)';
  const CALDAV = 'PayloadContent[1] (com.apple.caldav.account)';
  const CARDDAV = 'PayloadContent[2] (com.apple.carddav.account)';

  // Each row: what is wrong, the bad profile, the one violation that must be reported.
  it.each<[string, () => string, string]>([
    [
      'a U-label IncomingMailServerHostName',
      () => payload(0, (m) => void (m.IncomingMailServerHostName = 'imap.bücher.example')),
      `${MAIL}.IncomingMailServerHostName: "imap.bücher.example" is not ASCII (the A-label is "imap.xn--bcher-kva.example")`,
    ],
    [
      'a U-label OutgoingMailServerHostName',
      () => payload(0, (m) => void (m.OutgoingMailServerHostName = 'smtp.münchen.example')),
      `${MAIL}.OutgoingMailServerHostName: "smtp.münchen.example" is not ASCII (the A-label is "smtp.xn--mnchen-3ya.example")`,
    ],
    [
      'a U-label CalDAVHostName',
      () => payload(1, (m) => void (m.CalDAVHostName = 'kalender.bücher.example')),
      `${CALDAV}.CalDAVHostName: "kalender.bücher.example" is not ASCII`,
    ],
    [
      'a U-label CardDAVHostName',
      () => payload(2, (m) => void (m.CardDAVHostName = 'karten.bücher.example')),
      `${CARDDAV}.CardDAVHostName: "karten.bücher.example" is not ASCII`,
    ],
    [
      'a CalDAVPrincipalURL with a non-ASCII path',
      () =>
        payload(1, (m) => void (m.CalDAVPrincipalURL = 'https://cal.example.net/kalender/straße/')),
      `${CALDAV}.CalDAVPrincipalURL: "https://cal.example.net/kalender/straße/" is not ASCII (A-label host, percent-encoded path; as the URL standard serialises it: "https://cal.example.net/kalender/stra%C3%9Fe/")`,
    ],
    [
      'a CardDAVPrincipalURL with a U-label host',
      () => payload(2, (m) => void (m.CardDAVPrincipalURL = 'http://karten.bücher.example:8080/')),
      `"http://karten.xn--bcher-kva.example:8080/"`,
    ],
    [
      'IncomingMailServerPortNumber 0',
      () => payload(0, (m) => void (m.IncomingMailServerPortNumber = 0)),
      `${MAIL}.IncomingMailServerPortNumber: 0 is not a port from 1 to 65535`,
    ],
    [
      'OutgoingMailServerPortNumber 70000',
      () => payload(0, (m) => void (m.OutgoingMailServerPortNumber = 70000)),
      `${MAIL}.OutgoingMailServerPortNumber: 70000 is not a port from 1 to 65535`,
    ],
    [
      'IncomingMailServerPortNumber -1',
      () => payload(0, (m) => void (m.IncomingMailServerPortNumber = -1)),
      `${MAIL}.IncomingMailServerPortNumber: -1 is not a port from 1 to 65535`,
    ],
    [
      'CalDAVPort 65536',
      () => payload(1, (m) => void (m.CalDAVPort = 65536)),
      `${CALDAV}.CalDAVPort: 65536 is not a port from 1 to 65535`,
    ],
    [
      'CardDAVPort 0',
      () => payload(2, (m) => void (m.CardDAVPort = 0)),
      `${CARDDAV}.CardDAVPort: 0 is not a port from 1 to 65535`,
    ],
    [
      'IncomingMailServerAuthentication in the wrong case',
      () => payload(0, (m) => void (m.IncomingMailServerAuthentication = 'emailauthpassword')),
      `${MAIL}.IncomingMailServerAuthentication: "emailauthpassword" is not one of`,
    ],
    [
      'OutgoingMailServerAuthentication not Apple’s (an OAuth word)',
      () => payload(0, (m) => void (m.OutgoingMailServerAuthentication = 'EmailAuthOAuth2')),
      `${MAIL}.OutgoingMailServerAuthentication: "EmailAuthOAuth2" is not one of`,
    ],
  ])('reports %s, and nothing else', (_case, bad, violation) => {
    const violations = checkAppleProfile(bad());
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(violation);
  });

  it('accepts A-label host names, percent-encoded URLs and the ports 1 and 65535', () => {
    const xml = topLevel((profile) => {
      const [mail, caldav, carddav] = payloadsOf(profile) as Dict[];
      Object.assign(mail!, {
        IncomingMailServerHostName: 'imap.xn--bcher-kva.example',
        IncomingMailServerPortNumber: 1,
        OutgoingMailServerPortNumber: 65535,
      });
      Object.assign(caldav!, {
        CalDAVHostName: 'kalender.xn--bcher-kva.example',
        CalDAVPrincipalURL: 'https://kalender.xn--bcher-kva.example/stra%C3%9Fe/%EMAILADDRESS%/',
      });
      Object.assign(carddav!, { CardDAVPort: 65535 });
    });
    expect(checkAppleProfile(xml)).toEqual([]);
  });

  it('accepts what the renderer makes of IDN host names, DAV URLs and an IDN address', () => {
    const idn: DomainSettings = {
      ...settings,
      domainName: 'münchen.example',
      providerDomains: ['münchen.example'],
      servers: [
        { ...mailServer(1, 'imap', 993), name: 'imap.bücher.example' },
        { ...mailServer(2, 'smtp', 465), name: 'smtp.bücher.example' },
      ],
      davServers: settings.davServers.map((server) => ({
        ...server,
        url: server.url.replace('.example.net/', '.bücher.example/straße/%EMAILADDRESS%/'),
      })),
    };
    const jorg: EmailAddress = {
      address: 'jörg@münchen.example',
      localPart: 'jörg',
      domain: 'münchen.example',
    };
    const xml = renderMobileconfig({ settings: idn, address: jorg });
    expect(checkAppleProfile(xml, { mailServers: idn.servers })).toEqual([]);
  });
});

describe('checkAppleProfile with the stored rows: UseSSL', () => {
  /** The rows of the good profile's two servers, with the socket types given. */
  function rows(incoming: string, outgoing: string): StoredMailServer[] {
    return [
      { ...mailServer(1, 'imap', 993), socketType: incoming },
      { ...mailServer(2, 'smtp', 465), socketType: outgoing },
    ];
  }
  const useSsl = (incoming: boolean | undefined, outgoing: boolean | undefined) =>
    payload(0, (m) => {
      if (incoming === undefined) delete m.IncomingMailServerUseSSL;
      else m.IncomingMailServerUseSSL = incoming;
      if (outgoing === undefined) delete m.OutgoingMailServerUseSSL;
      else m.OutgoingMailServerUseSSL = outgoing;
    });

  it('accepts UseSSL true for SSL and STARTTLS servers stored in any spelling', () => {
    for (const [incoming, outgoing] of [
      ['SSL', 'STARTTLS'],
      ['ssl', 'starttls'],
      ['Ssl', 'StartTLS'],
    ] as const) {
      expect(
        checkAppleProfile(useSsl(true, true), { mailServers: rows(incoming, outgoing) }),
      ).toEqual([]);
    }
  });

  it.each(['SSL', 'ssl', 'STARTTLS', 'Starttls'])(
    'reports UseSSL false or missing for a server stored as %p',
    (socketType) => {
      for (const value of [false, undefined]) {
        const violations = checkAppleProfile(useSsl(true, value), {
          mailServers: rows('SSL', socketType),
        });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toContain('OutgoingMailServerUseSSL: false');
        expect(violations[0]).toContain(`"${socketType}"`);
        expect(violations[0]).toContain('expected true');
      }
    },
  );

  it.each(['None', 'none', 'plain', 'PLAIN'])(
    'reports UseSSL true for a server stored as %p, accepts false or missing',
    (socketType) => {
      const mailServers = rows(socketType, 'SSL');
      const violations = checkAppleProfile(useSsl(true, true), { mailServers });
      expect(violations).toHaveLength(1);
      expect(violations[0]).toContain('IncomingMailServerUseSSL: true');
      expect(violations[0]).toContain('expected false');
      expect(checkAppleProfile(useSsl(false, true), { mailServers })).toEqual([]);
      expect(checkAppleProfile(useSsl(undefined, true), { mailServers })).toEqual([]);
    },
  );

  it('leaves UseSSL to the renderer for Auto and unknown socket types', () => {
    for (const value of [true, false]) {
      expect(checkAppleProfile(useSsl(value, true), { mailServers: rows('AUTO', 'SSL') })).toEqual(
        [],
      );
      expect(checkAppleProfile(useSsl(value, true), { mailServers: rows('tls', 'SSL') })).toEqual(
        [],
      );
    }
  });

  it('reports a mail server that is none of the stored rows (name, port or type)', () => {
    const otherHost = payload(0, (m) => void (m.IncomingMailServerHostName = 'imap.example.org'));
    expect(checkAppleProfile(otherHost, { mailServers: rows('SSL', 'SSL') })).toEqual([
      'PayloadContent[0] (com.apple.mail.managed): IncomingMailServerHostName "imap.example.org":993 is none of the imap/pop rows the profile should be made from',
    ]);
    const otherPort = payload(0, (m) => void (m.OutgoingMailServerPortNumber = 587));
    expect(checkAppleProfile(otherPort, { mailServers: rows('SSL', 'SSL') })).toEqual([
      expect.stringContaining('"smtp.example.net":587 is none of'),
    ]);
    const smtpAsIncoming = rows('SSL', 'SSL').map((row) => ({ ...row, type: 'smtp' }));
    expect(checkAppleProfile(goodProfile(), { mailServers: smtpAsIncoming })).toEqual([
      expect.stringContaining('IncomingMailServerHostName "imap.example.net":993 is none of'),
    ]);
  });

  it('finds a stored U-label server by its A-label', () => {
    const stored = rows('SSL', 'SSL').map((row) => ({
      ...row,
      name: row.name.replace('example.net', 'bücher.example'),
    }));
    const xml = payload(0, (m) => {
      m.IncomingMailServerHostName = 'imap.xn--bcher-kva.example';
      m.OutgoingMailServerHostName = 'SMTP.XN--BCHER-KVA.EXAMPLE';
    });
    expect(checkAppleProfile(xml, { mailServers: stored })).toEqual([]);
  });
});
