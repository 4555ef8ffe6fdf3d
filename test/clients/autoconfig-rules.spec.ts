import { AutoconfigRenderer } from '../../src/autoconfig/autoconfig.renderer';
import type { DomainSettings } from '../../src/mail-settings/domain-settings';
import { checkK9Autoconfig, checkThunderbirdAutoconfig } from './autoconfig-rules';

const IMAP =
  '<incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port>' +
  '<socketType>SSL</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></incomingServer>';
const SMTP =
  '<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>587</port>' +
  '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></outgoingServer>';
const HEAD =
  '<clientConfig version="1.1"><emailProvider id="automx2-1"><identity />' +
  '<domain>example.com</domain><displayName>Example</displayName>' +
  '<displayShortName>Ex</displayShortName>';
const TAIL = '</emailProvider></clientConfig>';

function document(...servers: string[]): string {
  return HEAD + servers.join('') + TAIL;
}

const GOOD = document(IMAP, SMTP);

/** Exactly one violation, containing every fragment given. */
function expectOneViolation(violations: string[], ...fragments: string[]): void {
  expect(violations).toHaveLength(1);
  for (const fragment of fragments) expect(violations[0]).toContain(fragment);
}

describe(checkThunderbirdAutoconfig.name, () => {
  it('accepts a good document, with or without a content type', () => {
    expect(checkThunderbirdAutoconfig(GOOD)).toEqual([]);
    expect(checkThunderbirdAutoconfig(GOOD, 'application/xml')).toEqual([]);
    expect(checkThunderbirdAutoconfig(GOOD, 'text/xml; charset=utf-8')).toEqual([]);
    expect(checkThunderbirdAutoconfig(GOOD, 'Application/XML')).toEqual([]);
  });

  it('accepts an XML declaration, pretty printing and a document without servers', () => {
    const pretty = `<?xml version="1.0" encoding="UTF-8"?>\n${GOOD.replace(/></g, '>\n  <')}`;
    expect(checkThunderbirdAutoconfig(pretty)).toEqual([]);
    expect(checkThunderbirdAutoconfig(document())).toEqual([]);
  });

  it.each(['text/html', 'application/json', 'text/plain; charset=utf-8', 'application/xhtml+xml'])(
    'rejects the content type %p',
    (contentType) => {
      expectOneViolation(checkThunderbirdAutoconfig(GOOD, contentType), 'content type');
    },
  );

  it('rejects a document that is not well-formed', () => {
    expectOneViolation(checkThunderbirdAutoconfig(GOOD.replace('</domain>', '')), 'well-formed');
    expectOneViolation(checkThunderbirdAutoconfig(''), 'well-formed');
  });

  it('rejects a root other than clientConfig', () => {
    const xml = GOOD.replace('<clientConfig', '<config').replace('</clientConfig>', '</config>');
    expectOneViolation(checkThunderbirdAutoconfig(xml), '<config>');
  });

  it('rejects more than one root element', () => {
    expectOneViolation(checkThunderbirdAutoconfig(GOOD + GOOD), 'root');
    const selfClosing = '<clientConfig version="1.1" /><clientConfig version="1.1" />';
    expectOneViolation(checkThunderbirdAutoconfig(selfClosing), '2 root elements');
  });

  it('rejects a clientConfig without exactly one emailProvider', () => {
    expectOneViolation(
      checkThunderbirdAutoconfig('<clientConfig version="1.1"></clientConfig>'),
      '0 emailProvider',
    );
    const second = '<emailProvider id="automx2-2"><identity /></emailProvider>';
    const twice = GOOD.replace(TAIL, `</emailProvider>${second}</clientConfig>`);
    expectOneViolation(checkThunderbirdAutoconfig(twice), '2 emailProvider');
  });

  it.each([
    ['domain', '<domain>example.com</domain>', '<domain lang="en">example.com</domain>'],
    [
      'hostname',
      '<hostname>imap.example.com</hostname>',
      '<hostname x="1">imap.example.com</hostname>',
    ],
    ['port', '<port>993</port>', '<port type="int">993</port>'],
    ['socketType', '<socketType>SSL</socketType>', '<socketType a="b">SSL</socketType>'],
    ['username', '<username>%EMAILADDRESS%</username>', '<username a="">%EMAILADDRESS%</username>'],
    [
      'authentication',
      '<authentication>password-cleartext</authentication>',
      '<authentication a="b">password-cleartext</authentication>',
    ],
    [
      'displayName',
      '<displayName>Example</displayName>',
      '<displayName lang="de">Example</displayName>',
    ],
    [
      'displayShortName',
      '<displayShortName>Ex</displayShortName>',
      '<displayShortName lang="de">Ex</displayShortName>',
    ],
  ])('rejects attributes on <%s>', (name, plain, withAttribute) => {
    expect(GOOD).toContain(plain);
    expectOneViolation(
      checkThunderbirdAutoconfig(GOOD.replace(plain, withAttribute)),
      `${name}[1] has attributes`,
    );
  });

  it('allows attributes on elements that are not read as text', () => {
    const xml = GOOD.replace('<identity />', '<identity type="x" />');
    expect(checkThunderbirdAutoconfig(xml)).toEqual([]);
  });

  it('rejects servers of one direction only', () => {
    expectOneViolation(checkThunderbirdAutoconfig(document(IMAP)), '0 outgoingServer');
    expectOneViolation(checkThunderbirdAutoconfig(document(SMTP)), '0 incomingServer');
  });

  it.each(['0', '65536', '-1', '99999999', '993.0', 'imaps', '', ' 993'])(
    'rejects the port %p',
    (port) => {
      const xml = document(IMAP.replace('<port>993</port>', `<port>${port}</port>`), SMTP);
      expectOneViolation(checkThunderbirdAutoconfig(xml), 'port', 'integer');
    },
  );

  it.each(['1', '143', '65535'])('accepts the port %p', (port) => {
    const xml = document(IMAP.replace('<port>993</port>', `<port>${port}</port>`), SMTP);
    expect(checkThunderbirdAutoconfig(xml)).toEqual([]);
  });

  it.each(['Auto', 'None', 'ssl', 'TLS', 'starttls', ''])(
    'rejects the socket type %p',
    (socket) => {
      const xml = document(IMAP.replace('SSL', socket), SMTP);
      expectOneViolation(checkThunderbirdAutoconfig(xml), 'socketType');
    },
  );

  it('accepts the socket type plain', () => {
    expect(checkThunderbirdAutoconfig(document(IMAP.replace('SSL', 'plain'), SMTP))).toEqual([]);
  });

  it.each(['Ssl', 'Starttls', 'PLAIN', 'Plain', 'none'])(
    'rejects the socket type %p (case-sensitive)',
    (socket) => {
      const xml = document(IMAP, SMTP.replace('>STARTTLS<', `>${socket}<`));
      expectOneViolation(
        checkThunderbirdAutoconfig(xml),
        'outgoingServer[1]/socketType[1]',
        socket,
      );
    },
  );

  it('rejects a U-label <domain> (Thunderbird drops it), naming the A-label', () => {
    const xml = GOOD.replace('<domain>example.com</domain>', '<domain>münchen.example</domain>');
    expectOneViolation(
      checkThunderbirdAutoconfig(xml),
      'emailProvider[1]/domain[1]',
      '"münchen.example" is not ASCII',
      'xn--mnchen-3ya.example',
      'Thunderbird drops it',
    );
    const second = GOOD.replace(
      '<domain>example.com</domain>',
      '<domain>example.com</domain><domain>bücher.example</domain>',
    );
    expectOneViolation(checkThunderbirdAutoconfig(second), 'domain[2]', 'xn--bcher-kva.example');
  });

  it('accepts A-label domains and host names', () => {
    const xml = document(
      IMAP.replace('imap.example.com', 'imap.xn--bcher-kva.example'),
      SMTP.replace('smtp.example.com', 'SMTP.XN--BCHER-KVA.EXAMPLE'),
    ).replace('<domain>example.com</domain>', '<domain>xn--mnchen-3ya.example</domain>');
    expect(checkThunderbirdAutoconfig(xml)).toEqual([]);
  });

  it.each([
    ['an imap', document(IMAP.replace('imap.example.com', 'imap.bücher.example'), SMTP)],
    [
      'a pop3',
      document(
        IMAP.replace('type="imap"', 'type="pop3"').replace(
          'imap.example.com',
          'pop.bücher.example',
        ),
        SMTP,
      ),
    ],
    ['an smtp', document(IMAP, SMTP.replace('smtp.example.com', 'smtp.bücher.example'))],
  ])('rejects a U-label hostname of %s server (Thunderbird drops the server)', (_kind, xml) => {
    expectOneViolation(
      checkThunderbirdAutoconfig(xml),
      'hostname[1]',
      'bücher.example" is not ASCII',
      'xn--bcher-kva.example',
      'drops the server',
    );
  });

  it.each([
    'password-cleartext',
    'plain',
    'password-encrypted',
    'secure',
    'NTLM',
    'GSSAPI',
    'client-IP-address',
    'TLS-client-cert',
    'OAuth2',
    'none',
  ])('accepts the authentication %p', (authentication) => {
    const xml = document(IMAP, SMTP.replace('>password-cleartext<', `>${authentication}<`));
    expect(checkThunderbirdAutoconfig(xml)).toEqual([]);
  });

  it.each([
    'PLAIN',
    'Plain',
    'oauth2',
    'OAUTH2',
    'Password-Cleartext',
    'password-Encrypted',
    'ntlm',
    'gssapi',
    'None',
    'client-ip-address',
    'tls-client-cert',
    'kerberos',
    '',
  ])('rejects the authentication %p (case-sensitive vocabulary)', (authentication) => {
    const xml = document(IMAP.replace('>password-cleartext<', `>${authentication}<`), SMTP);
    expectOneViolation(
      checkThunderbirdAutoconfig(xml),
      'incomingServer[1]/authentication[1]',
      `"${authentication}" is not one of`,
      'case-sensitive',
    );
  });

  it('rejects a server without authentication (Thunderbird drops it)', () => {
    const bare = SMTP.replace('<authentication>password-cleartext</authentication>', '');
    expectOneViolation(
      checkThunderbirdAutoconfig(document(IMAP, bare)),
      'outgoingServer[1] has no authentication',
    );
  });

  it('accepts pop3 incoming servers', () => {
    const pop = IMAP.replace('type="imap"', 'type="pop3"');
    expect(checkThunderbirdAutoconfig(document(pop, SMTP))).toEqual([]);
  });

  it.each(['pop', 'smtp', 'IMAP', ''])('rejects the incomingServer type %p', (type) => {
    const xml = document(IMAP.replace('type="imap"', `type="${type}"`), SMTP);
    expectOneViolation(checkThunderbirdAutoconfig(xml), 'incomingServer[1] type');
  });

  it('rejects an incomingServer without a type', () => {
    const xml = document(IMAP.replace(' type="imap"', ''), SMTP);
    expectOneViolation(checkThunderbirdAutoconfig(xml), 'incomingServer[1] type');
  });

  it.each(['imap', 'submission', 'SMTP'])('rejects the outgoingServer type %p', (type) => {
    const xml = document(IMAP, SMTP.replace('type="smtp"', `type="${type}"`));
    expectOneViolation(checkThunderbirdAutoconfig(xml), 'outgoingServer[1] type');
  });

  it('reports every violation it finds', () => {
    const xml = document(IMAP.replace('<port>993</port>', '<port>0</port>').replace('SSL', 'Auto'));
    expect(checkThunderbirdAutoconfig(xml, 'text/plain')).toHaveLength(4);
  });
});

describe(checkK9Autoconfig.name, () => {
  it('accepts a good document, pretty printed or not', () => {
    expect(checkK9Autoconfig(GOOD)).toEqual([]);
    expect(checkK9Autoconfig(GOOD.replace(/></g, '>\n <'))).toEqual([]);
    expect(checkK9Autoconfig(document())).toEqual([]);
  });

  it('rejects a document that is not well-formed or has no emailProvider', () => {
    expectOneViolation(checkK9Autoconfig('<clientConfig>'), 'well-formed');
    expectOneViolation(checkK9Autoconfig('<clientConfig version="1.1" />'), 'emailProvider');
    expectOneViolation(
      checkK9Autoconfig('<config><emailProvider id="a" /></config>'),
      'emailProvider',
    );
  });

  it.each(['automx2-1', 'example.com', 'A-1.b'])('accepts the provider id %p', (id) => {
    expect(checkK9Autoconfig(GOOD.replace('automx2-1', id))).toEqual([]);
  });

  it.each(['%EMAILDOMAIN%', 'automx2 1', 'a_b', 'müller', ''])(
    'rejects the provider id %p',
    (id) => {
      expectOneViolation(checkK9Autoconfig(GOOD.replace('automx2-1', id)), 'id', 'hostname-shaped');
    },
  );

  it('rejects an emailProvider without an id', () => {
    expectOneViolation(checkK9Autoconfig(GOOD.replace(' id="automx2-1"', '')), 'no id');
  });

  it.each([
    ['hostname', '<hostname>imap.example.com</hostname>'],
    ['port', '<port>993</port>'],
  ])('rejects an imap server without %s, missing or empty', (name, element) => {
    expectOneViolation(checkK9Autoconfig(document(IMAP.replace(element, ''), SMTP)), `lacks`, name);
    const empty = IMAP.replace(element, `<${name} />`);
    expectOneViolation(checkK9Autoconfig(document(empty, SMTP)), 'lacks', name);
  });

  it('rejects an imap server without username, and accepts an empty one (K-9 reads "")', () => {
    const element = '<username>%EMAILADDRESS%</username>';
    expectOneViolation(
      checkK9Autoconfig(document(IMAP.replace(element, ''), SMTP)),
      'incomingServer[1] lacks a username',
    );
    expect(checkK9Autoconfig(document(IMAP.replace(element, '<username />'), SMTP))).toEqual([]);
  });

  it('rejects an imap server without socketType', () => {
    const xml = document(IMAP.replace('<socketType>SSL</socketType>', ''), SMTP);
    expectOneViolation(checkK9Autoconfig(xml), 'lacks', 'socketType');
  });

  it.each([
    ['hostname', '<hostname>smtp.example.com</hostname>'],
    ['port', '<port>587</port>'],
    ['username', '<username>%EMAILADDRESS%</username>'],
    ['socketType', '<socketType>STARTTLS</socketType>'],
  ])('rejects an smtp server without %s', (name, element) => {
    expectOneViolation(checkK9Autoconfig(document(IMAP, SMTP.replace(element, ''))), 'lacks', name);
  });

  it.each(['plain', 'Auto', 'None', 'ssl', 'TLS'])(
    'rejects the socket type %p on imap and on smtp',
    (socket) => {
      const imap = document(IMAP.replace('<socketType>SSL<', `<socketType>${socket}<`), SMTP);
      expectOneViolation(checkK9Autoconfig(imap), 'incomingServer[1]/socketType');
      const smtp = document(IMAP, SMTP.replace('<socketType>STARTTLS<', `<socketType>${socket}<`));
      expectOneViolation(checkK9Autoconfig(smtp), 'outgoingServer[1]/socketType');
    },
  );

  it.each(['plain', 'secure', 'password-Cleartext', 'NTLM', 'GSSAPI', 'none'])(
    'rejects a server whose only authentication is %p',
    (authentication) => {
      const xml = document(IMAP, SMTP.replace('password-cleartext', authentication));
      expectOneViolation(checkK9Autoconfig(xml), 'outgoingServer[1]', 'no authentication');
    },
  );

  it('rejects a server without any authentication', () => {
    const bare = IMAP.replace('<authentication>password-cleartext</authentication>', '');
    expectOneViolation(checkK9Autoconfig(document(bare, SMTP)), 'no authentication');
  });

  it.each(['password-cleartext', 'password-encrypted', 'OAuth2'])(
    'accepts %p among other authentications',
    (known) => {
      const auth = `<authentication>NTLM</authentication><authentication>${known}</authentication>`;
      const xml = document(
        IMAP.replace('<authentication>password-cleartext</authentication>', auth),
        SMTP,
      );
      expect(checkK9Autoconfig(xml)).toEqual([]);
    },
  );

  it('does not read pop3 servers', () => {
    const pop = IMAP.replace('type="imap"', 'type="pop3"')
      .replace('SSL', 'plain')
      .replace('password-cleartext', 'plain');
    expect(checkK9Autoconfig(document(IMAP, pop, SMTP))).toEqual([]);
  });

  it('rejects the whole document for one bad server among good ones', () => {
    const bad = IMAP.replace('SSL', 'plain');
    const violations = checkK9Autoconfig(document(IMAP, bad, SMTP));
    expectOneViolation(violations, 'incomingServer[2]/socketType');
  });
});

describe(`${checkK9Autoconfig.name}: issue 13 (IDN, ports, case)`, () => {
  it('rejects the whole document for one U-label <domain>, even next to an ASCII one', () => {
    const only = GOOD.replace('<domain>example.com</domain>', '<domain>münchen.example</domain>');
    expectOneViolation(
      checkK9Autoconfig(only),
      'domain[1]',
      'not ASCII',
      'xn--mnchen-3ya.example',
      'K-9 rejects the whole document',
    );
    const mixed = GOOD.replace(
      '<domain>example.com</domain>',
      '<domain>example.com</domain><domain>münchen.example</domain>',
    );
    expectOneViolation(checkK9Autoconfig(mixed), 'domain[2]', 'not ASCII');
  });

  it.each([
    ['imap', document(IMAP.replace('imap.example.com', 'imap.bücher.example'), SMTP)],
    ['smtp', document(IMAP, SMTP.replace('smtp.example.com', 'smtp.bücher.example'))],
  ])('rejects a U-label hostname of an %s server', (_type, xml) => {
    expectOneViolation(
      checkK9Autoconfig(xml),
      'hostname[1]',
      'not ASCII',
      'xn--bcher-kva.example',
      'K-9 rejects the whole document',
    );
  });

  it('accepts A-label domains and host names', () => {
    const xml = document(
      IMAP.replace('imap.example.com', 'imap.xn--bcher-kva.example'),
      SMTP.replace('smtp.example.com', 'smtp.xn--bcher-kva.example'),
    ).replace('<domain>example.com</domain>', '<domain>xn--mnchen-3ya.example</domain>');
    expect(checkK9Autoconfig(xml)).toEqual([]);
  });

  it.each(['0', '65536', '70000', '-1', '993.0', 'imaps', ' 993'])(
    'rejects the port %p on imap and on smtp',
    (port) => {
      const imap = document(IMAP.replace('<port>993</port>', `<port>${port}</port>`), SMTP);
      expectOneViolation(
        checkK9Autoconfig(imap),
        'incomingServer[1]/port[1]',
        `"${port}" is not an integer from 1 to 65535`,
        'K-9 rejects the whole document',
      );
      const smtp = document(IMAP, SMTP.replace('<port>587</port>', `<port>${port}</port>`));
      expectOneViolation(checkK9Autoconfig(smtp), 'outgoingServer[1]/port[1]', 'integer');
    },
  );

  it('names the uncaught exception for port 0', () => {
    const xml = document(IMAP.replace('<port>993</port>', '<port>0</port>'), SMTP);
    expectOneViolation(checkK9Autoconfig(xml), 'uncaught exception');
  });

  it.each(['1', '143', '65535'])('accepts the port %p', (port) => {
    const xml = document(IMAP.replace('<port>993</port>', `<port>${port}</port>`), SMTP);
    expect(checkK9Autoconfig(xml)).toEqual([]);
  });

  it('does not read the hostname or port of pop3 servers', () => {
    const pop = IMAP.replace('type="imap"', 'type="pop3"')
      .replace('imap.example.com', 'pop.bücher.example')
      .replace('<port>993</port>', '<port>0</port>');
    expect(checkK9Autoconfig(document(IMAP, pop, SMTP))).toEqual([]);
  });

  it.each(['Ssl', 'ssl', 'Starttls', 'starttls', 'STARTtls'])(
    'rejects the socket type %p (case-sensitive)',
    (socket) => {
      const xml = document(IMAP.replace('<socketType>SSL<', `<socketType>${socket}<`), SMTP);
      expectOneViolation(
        checkK9Autoconfig(xml),
        'incomingServer[1]/socketType[1]',
        `"${socket}"`,
        'case-sensitive',
      );
    },
  );

  it.each(['oauth2', 'OAUTH2', 'Oauth2', 'Password-Encrypted', 'PASSWORD-CLEARTEXT'])(
    'rejects a server whose only authentication is %p (case-sensitive)',
    (authentication) => {
      const xml = document(IMAP.replace('password-cleartext', authentication), SMTP);
      expectOneViolation(
        checkK9Autoconfig(xml),
        'incomingServer[1] has no authentication',
        'case-sensitive',
      );
    },
  );
});

describe('AutoconfigRenderer output', () => {
  const settings: DomainSettings = {
    domainId: 2,
    domainName: 'example.net',
    provider: { id: 1, name: 'Big Corporation, Inc. & Ham <"Eggs">', shortName: 'BigCorp' },
    // Host names and domains reach the renderer in A-labels (issue 13).
    providerDomains: ['example.com', 'example.net', 'xn--mller-kva.example'],
    servers: [
      {
        id: 2,
        prio: 5,
        name: 'imap.example.net',
        port: 993,
        type: 'imap',
        socketType: 'SSL',
        userName: '%EMAILADDRESS%',
        authentication: 'plain',
      },
      {
        id: 1,
        prio: 10,
        name: 'smtp.example.net',
        port: 587,
        type: 'smtp',
        socketType: 'Auto',
        userName: '%EMAILLOCALPART%',
        authentication: 'secure',
      },
      {
        id: 3,
        prio: 10,
        name: 'pop.example.net',
        port: 995,
        type: 'pop',
        socketType: 'SSL',
        userName: '%EMAILADDRESS%',
        authentication: 'plain',
      },
      {
        id: 4,
        prio: 20,
        name: 'imap-legacy.example.net',
        port: 143,
        type: 'imap',
        socketType: 'STARTTLS',
        userName: '%EMAILADDRESS%',
        authentication: 'PLAIN',
      },
      {
        id: 5,
        prio: 30,
        name: 'smtp2.example.net',
        port: 465,
        type: 'smtp',
        socketType: 'ssl',
        userName: '%EMAILADDRESS%',
        authentication: 'Password-Encrypted',
      },
      {
        id: 6,
        prio: 40,
        name: 'imap.xn--bcher-kva.example',
        port: 993,
        type: 'imap',
        socketType: 'Starttls',
        userName: '%EMAILADDRESS%',
        authentication: 'oauth2',
      },
    ],
    davServers: [
      {
        id: 1,
        url: 'https://dav.example.net',
        port: 443,
        type: 'caldav',
        useSsl: true,
        domainRequired: false,
        userName: null,
      },
    ],
    ldapServer: null,
  };
  const renderer = new AutoconfigRenderer();

  it('passes both checkers', () => {
    const xml = renderer.render(settings);
    expect(checkThunderbirdAutoconfig(xml, 'application/xml')).toEqual([]);
    expect(checkK9Autoconfig(xml)).toEqual([]);
  });

  it('passes both checkers with a directory uid', () => {
    const xml = renderer.render(settings, { uid: 'j.doe', cn: 'J. Doe' });
    expect(checkThunderbirdAutoconfig(xml, 'application/xml')).toEqual([]);
    expect(checkK9Autoconfig(xml)).toEqual([]);
  });

  it('passes both checkers for a domain without servers', () => {
    const xml = renderer.render({ ...settings, servers: [] });
    expect(checkThunderbirdAutoconfig(xml, 'application/xml')).toEqual([]);
    expect(checkK9Autoconfig(xml)).toEqual([]);
  });
});
