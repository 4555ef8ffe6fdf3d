import { createHash } from 'node:crypto';
import {
  checkAppleProfile,
  dictValue,
  parseWithPlistPackage,
  plistToJs,
  readPlist,
  type DictNode,
  type JsValue,
  type PlistNode,
} from '../../test/clients/apple-profile-rules';
import { DomainError } from '../common/domain-error';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import type { EmailAddress } from '../mail-settings/mailbox';
import {
  MobileconfigRenderer,
  profileIdentifier,
  type MobileconfigInput,
} from './mobileconfig.renderer';

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const jane: EmailAddress = {
  address: 'Jane.Doe@Example.com',
  localPart: 'Jane.Doe',
  domain: 'Example.com',
};

let nextId = 1;

function mailServer(type: string, overrides: Partial<MailServer> = {}): MailServer {
  const id = nextId++;
  return {
    id,
    prio: 10,
    name: `${type}${id}.example.net`,
    port: type === 'smtp' ? 587 : 993,
    type,
    socketType: 'STARTTLS',
    userName: '%EMAILADDRESS%',
    authentication: 'plain',
    ...overrides,
  };
}

function davServer(type: string, overrides: Partial<DavServer> = {}): DavServer {
  return {
    id: nextId++,
    url: `https://${type}.example.net/dav/`,
    port: 0,
    type,
    useSsl: true,
    domainRequired: false,
    userName: '%EMAILADDRESS%',
    ...overrides,
  };
}

function settings(
  servers: readonly MailServer[] = [mailServer('imap'), mailServer('smtp')],
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

function sequentialUuids(): () => string {
  let n = 0;
  return () => (++n).toString(16).padStart(32, '0');
}

const renderer = new MobileconfigRenderer();

function render(input: Partial<MobileconfigInput> = {}): string {
  return renderer.render({ settings: settings(), address: jane, ...input });
}

// ---------------------------------------------------------------------------
// Reading the output back
// ---------------------------------------------------------------------------

function asDict(node: PlistNode | undefined): DictNode {
  if (node?.kind !== 'dict') throw new Error(`expected a dict, got ${node?.kind}`);
  return node;
}

function topLevel(xml: string): DictNode {
  return asDict(readPlist(xml));
}

function payloads(xml: string): DictNode[] {
  const content = dictValue(topLevel(xml), 'PayloadContent');
  if (content?.kind !== 'array') throw new Error('PayloadContent is not an array');
  return content.items.map(asDict);
}

function mailDict(xml: string): DictNode {
  const [mail] = payloads(xml);
  return asDict(mail);
}

function keysOf(dict: DictNode): string[] {
  return dict.entries.map(([key]) => key);
}

function js(dict: DictNode): Record<string, JsValue> {
  return Object.fromEntries(dict.entries.map(([key, value]) => [key, plistToJs(value)]));
}

function mail(xml: string): Record<string, JsValue> {
  return js(mailDict(xml));
}

function renderError(input: Partial<MobileconfigInput>): DomainError {
  try {
    render(input);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('render did not throw');
}

const MAIL_KEYS = [
  'EmailAccountDescription',
  'EmailAccountName',
  'EmailAccountType',
  'EmailAddress',
  'IncomingMailServerAuthentication',
  'IncomingMailServerHostName',
  'IncomingMailServerPortNumber',
  'IncomingMailServerUseSSL',
  'IncomingMailServerUsername',
  'IncomingPassword',
  'OutgoingMailServerAuthentication',
  'OutgoingMailServerHostName',
  'OutgoingMailServerPortNumber',
  'OutgoingMailServerUseSSL',
  'OutgoingMailServerUsername',
  'OutgoingPassword',
  'OutgoingPasswordSameAsIncomingPassword',
  'PayloadDescription',
  'PayloadDisplayName',
  'PayloadIdentifier',
  'PayloadType',
  'PayloadUUID',
  'PayloadVersion',
];

const without = (keys: readonly string[], ...drop: string[]): string[] =>
  keys.filter((key) => !drop.includes(key));

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('MobileconfigRenderer', () => {
  describe('document form', () => {
    it('writes the declaration and DOCTYPE, then the plist on one line', () => {
      const xml = render();
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      expect(xml).toContain(
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      );
      expect(xml).toContain('<plist version="1.0"><dict><key>PayloadContent</key><array><dict>');
      expect(xml.endsWith('</dict></plist>')).toBe(true);
    });

    it('has no whitespace between a <key> and its value, but keeps newlines in values', () => {
      const xml = render({ displayName: 'Line one\nLine two\n  indented' });
      expect(xml).not.toMatch(/<\/key>\s+</);
      expect(xml).toContain(
        '<key>EmailAccountName</key><string>Line one\nLine two\n  indented</string>',
      );
      expect(mail(xml).EmailAccountName).toBe('Line one\nLine two\n  indented');
    });

    it('writes integers as <integer> and booleans as <true/> / <false/>', () => {
      const xml = render();
      expect(xml).not.toContain('<real>');
      expect(xml).toContain('<key>PayloadVersion</key><integer>1</integer>');
      expect(xml).toContain('<key>IncomingMailServerPortNumber</key><integer>993</integer>');
      expect(xml).toContain('<key>OutgoingMailServerPortNumber</key><integer>587</integer>');
      expect(xml).toContain('<key>PayloadRemovalDisallowed</key><false/>');
      expect(xml).toContain('<key>IncomingMailServerUseSSL</key><true/>');
      const kinds = Object.fromEntries(mailDict(xml).entries.map(([k, v]) => [k, v.kind]));
      expect(kinds).toMatchObject({
        IncomingMailServerPortNumber: 'integer',
        OutgoingMailServerPortNumber: 'integer',
        PayloadVersion: 'integer',
        IncomingMailServerUseSSL: 'boolean',
        OutgoingMailServerUseSSL: 'boolean',
        OutgoingPasswordSameAsIncomingPassword: 'boolean',
      });
      expect(dictValue(topLevel(xml), 'PayloadVersion')?.kind).toBe('integer');
    });

    it('passes the Apple profile rules, with and without DAV payloads and password', () => {
      expect(checkAppleProfile(render())).toEqual([]);
      const full = render({
        settings: settings(undefined, [davServer('caldav'), davServer('carddav')]),
        password: 'secret',
        displayName: 'Jane Doe',
      });
      expect(checkAppleProfile(full)).toEqual([]);
    });
  });

  describe('key order and values', () => {
    it('writes the top-level keys of §6 in order', () => {
      const xml = render({ uuid: sequentialUuids() });
      const top = topLevel(xml);
      expect(keysOf(top)).toEqual([
        'PayloadContent',
        'PayloadDisplayName',
        'PayloadIdentifier',
        'PayloadRemovalDisallowed',
        'PayloadType',
        'PayloadUUID',
        'PayloadVersion',
      ]);
      expect(js(top)).toMatchObject({
        PayloadDisplayName: 'Example.com accounts',
        PayloadIdentifier: profileIdentifier(jane),
        PayloadRemovalDisallowed: false,
        PayloadType: 'Configuration',
        PayloadVersion: 1,
      });
    });

    it('writes the mail keys of §6 in order, passwords only when given', () => {
      expect(keysOf(mailDict(render({ displayName: 'Jane' })))).toEqual(
        without(MAIL_KEYS, 'IncomingPassword', 'OutgoingPassword'),
      );
      expect(keysOf(mailDict(render({ displayName: 'Jane', password: 'pw' })))).toEqual(MAIL_KEYS);
    });

    it('fills the mail payload from the chosen servers', () => {
      const imap = mailServer('imap', { name: 'imap.example.net', port: 993, socketType: 'SSL' });
      const smtp = mailServer('smtp', { name: 'smtp.example.net', port: 587 });
      const xml = render({ settings: settings([imap, smtp]), uuid: sequentialUuids() });
      const payload = mail(xml);
      expect(payload).toEqual({
        EmailAccountDescription: 'Jane.Doe@Example.com',
        EmailAccountType: 'EmailTypeIMAP',
        EmailAddress: 'Jane.Doe@Example.com',
        IncomingMailServerAuthentication: 'EmailAuthPassword',
        IncomingMailServerHostName: 'imap.example.net',
        IncomingMailServerPortNumber: 993,
        IncomingMailServerUseSSL: true,
        IncomingMailServerUsername: 'Jane.Doe@Example.com',
        OutgoingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingMailServerHostName: 'smtp.example.net',
        OutgoingMailServerPortNumber: 587,
        OutgoingMailServerUseSSL: true,
        OutgoingMailServerUsername: 'Jane.Doe@Example.com',
        OutgoingPasswordSameAsIncomingPassword: true,
        PayloadDescription: 'Email account Jane.Doe@Example.com',
        PayloadDisplayName: 'Example.com',
        PayloadIdentifier: `com.apple.mail.managed.${payload.PayloadUUID as string}`,
        PayloadType: 'com.apple.mail.managed',
        PayloadUUID: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        PayloadVersion: 1,
      });
    });

    it.each([
      ['SSL', true],
      ['STARTTLS', true],
      ['None', false],
      ['plain', false],
      ['Auto', true],
      ['ssl', true],
      ['starttls', true],
      ['NONE', false],
      ['PLAIN', false],
      ['unknown', true],
    ])('maps socket type %s to UseSSL %s', (socketType, useSsl) => {
      const servers = [mailServer('imap', { socketType }), mailServer('smtp', { socketType })];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.IncomingMailServerUseSSL).toBe(useSsl);
      expect(payload.OutgoingMailServerUseSSL).toBe(useSsl);
    });

    it('omits a port that is not set (0)', () => {
      const servers = [mailServer('imap', { port: 0 }), mailServer('smtp')];
      expect(keysOf(mailDict(render({ settings: settings(servers) })))).not.toContain(
        'IncomingMailServerPortNumber',
      );
    });
  });

  describe('EmailAccountName and usernames', () => {
    it('takes the name parameter over the directory cn', () => {
      const directory = { cn: 'Jane from LDAP' };
      expect(mail(render({ displayName: 'Jane Param', directory })).EmailAccountName).toBe(
        'Jane Param',
      );
    });

    it('falls back to the directory cn, also for an empty name parameter', () => {
      const directory = { cn: 'Jane from LDAP' };
      expect(mail(render({ directory })).EmailAccountName).toBe('Jane from LDAP');
      expect(mail(render({ displayName: '', directory })).EmailAccountName).toBe('Jane from LDAP');
    });

    it('omits EmailAccountName when there is neither', () => {
      expect(keysOf(mailDict(render()))).not.toContain('EmailAccountName');
    });

    it('uses the directory uid over the stored user name for both servers', () => {
      const payload = mail(render({ directory: { uid: 'jdoe' } }));
      expect(payload.IncomingMailServerUsername).toBe('jdoe');
      expect(payload.OutgoingMailServerUsername).toBe('jdoe');
    });

    it('uses the stored user name when the uid is empty, and omits an empty one', () => {
      const servers = [mailServer('imap', { userName: '' }), mailServer('smtp')];
      const xml = render({ settings: settings(servers), directory: { uid: '' } });
      expect(keysOf(mailDict(xml))).not.toContain('IncomingMailServerUsername');
      expect(mail(xml).OutgoingMailServerUsername).toBe('Jane.Doe@Example.com');
    });
  });

  describe('passwords', () => {
    it('embeds no password unless one is given', () => {
      for (const password of [undefined, '']) {
        const xml = render({ password });
        expect(xml).not.toContain('Password</key><string>');
        expect(keysOf(mailDict(xml))).not.toEqual(expect.arrayContaining(['IncomingPassword']));
        expect(keysOf(mailDict(xml))).not.toEqual(expect.arrayContaining(['OutgoingPassword']));
      }
    });

    it('embeds the given password for both servers, never placeholder-expanded', () => {
      const payload = mail(render({ password: 's3cret&<%EMAILADDRESS%' }));
      expect(payload.IncomingPassword).toBe('s3cret&<%EMAILADDRESS%');
      expect(payload.OutgoingPassword).toBe('s3cret&<%EMAILADDRESS%');
      expect(payload.OutgoingPasswordSameAsIncomingPassword).toBe(true);
    });
  });

  describe('authentication', () => {
    it.each([
      ['none', 'EmailAuthNone'],
      ['NTLM', 'EmailAuthNTLM'],
      ['plain', 'EmailAuthPassword'],
      ['password-cleartext', 'EmailAuthPassword'],
      ['PLAIN', 'EmailAuthPassword'],
      ['secure', 'EmailAuthCRAMMD5'],
      ['password-encrypted', 'EmailAuthCRAMMD5'],
      ['ntlm', 'EmailAuthNTLM'],
      ['client-IP-address', 'EmailAuthNone'],
    ])('maps %s to %s', (authentication, apple) => {
      const servers = [
        mailServer('imap', { authentication }),
        mailServer('smtp', { authentication }),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.IncomingMailServerAuthentication).toBe(apple);
      expect(payload.OutgoingMailServerAuthentication).toBe(apple);
    });

    // Apple profiles have no OAuth2, Kerberos or client-certificate authentication.
    it.each(['OAuth2', 'GSSAPI', 'TLS-client-cert', 'bogus', ''])(
      'refuses the stored value %p',
      (authentication) => {
        for (const servers of [
          [mailServer('imap', { authentication }), mailServer('smtp')],
          [mailServer('imap'), mailServer('smtp', { authentication })],
        ]) {
          const error = renderError({ settings: settings(servers) });
          expect(error.code).toBe('UNSUPPORTED_DATA');
          expect(error.message).toBe('Unsupported authentication');
        }
      },
    );

    it('ignores the authentication of servers that are not chosen', () => {
      const servers = [
        mailServer('imap', { socketType: 'None', authentication: 'bogus' }),
        mailServer('imap', { socketType: 'SSL' }),
        mailServer('smtp'),
      ];
      expect(() => render({ settings: settings(servers) })).not.toThrow();
    });
  });

  describe('server choice', () => {
    it('prefers the first SSL/STARTTLS server over an earlier plain one', () => {
      const servers = [
        mailServer('imap', { name: 'plain-imap', socketType: 'None' }),
        mailServer('imap', { name: 'tls-imap', socketType: 'STARTTLS' }),
        mailServer('imap', { name: 'ssl-imap', socketType: 'SSL' }),
        mailServer('smtp', { name: 'plain-smtp', socketType: 'plain' }),
        mailServer('smtp', { name: 'ssl-smtp', socketType: 'SSL' }),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.IncomingMailServerHostName).toBe('tls-imap');
      expect(payload.OutgoingMailServerHostName).toBe('ssl-smtp');
    });

    it('counts Auto and any spelling of SSL/STARTTLS as encrypted', () => {
      const servers = [
        mailServer('imap', { name: 'imap-a', socketType: 'None' }),
        mailServer('imap', { name: 'imap-b', socketType: 'Auto' }),
        mailServer('smtp', { name: 'smtp-a', socketType: 'PLAIN' }),
        mailServer('smtp', { name: 'smtp-b', socketType: 'starttls' }),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.IncomingMailServerHostName).toBe('imap-b');
      expect(payload.OutgoingMailServerHostName).toBe('smtp-b');
      expect(payload.IncomingMailServerUseSSL).toBe(true);
    });

    it('takes the first of the type when none uses SSL/STARTTLS', () => {
      const servers = [
        mailServer('smtp', { name: 'smtp-a', socketType: 'None' }),
        mailServer('imap', { name: 'imap-a', socketType: 'None' }),
        mailServer('imap', { name: 'imap-b', socketType: 'plain' }),
        mailServer('smtp', { name: 'smtp-b', socketType: 'bogus' }),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.IncomingMailServerHostName).toBe('imap-a');
      expect(payload.OutgoingMailServerHostName).toBe('smtp-a');
      expect(payload.IncomingMailServerUseSSL).toBe(false);
    });

    it('prefers IMAP over POP, even over an earlier encrypted POP server', () => {
      const servers = [
        mailServer('pop', { name: 'pop-ssl', socketType: 'SSL' }),
        mailServer('imap', { name: 'imap-plain', socketType: 'None' }),
        mailServer('smtp'),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.EmailAccountType).toBe('EmailTypeIMAP');
      expect(payload.IncomingMailServerHostName).toBe('imap-plain');
    });

    it('falls back to POP when there is no IMAP server', () => {
      const servers = [
        mailServer('INVALID', { name: 'junk' }),
        mailServer('pop', { name: 'pop-plain', socketType: 'None', port: 110 }),
        mailServer('pop', { name: 'pop-ssl', socketType: 'SSL', port: 995 }),
        mailServer('smtp'),
      ];
      const payload = mail(render({ settings: settings(servers) }));
      expect(payload.EmailAccountType).toBe('EmailTypePOP');
      expect(payload.IncomingMailServerHostName).toBe('pop-ssl');
      expect(payload.IncomingMailServerPortNumber).toBe(995);
    });
  });

  describe('errors', () => {
    it.each([
      ['no servers', [], 'No servers for domain'],
      ['no IMAP or POP server', [mailServer('smtp')], 'No IMAP or POP server for domain'],
      [
        'only servers of unknown types besides SMTP',
        [mailServer('INVALID'), mailServer('smtp')],
        'No IMAP or POP server for domain',
      ],
      ['no SMTP server', [mailServer('imap'), mailServer('pop')], 'No SMTP server for domain'],
    ])('refuses a domain with %s', (_case, servers, message) => {
      const error = renderError({ settings: settings(servers) });
      expect(error.code).toBe('UNSUPPORTED_DATA');
      expect(error.message).toBe(message);
    });
  });

  describe('identifiers', () => {
    it('derives a stable top-level PayloadIdentifier from the address, ignoring case', () => {
      const other = render({ address: { ...jane, address: 'jane.doe@example.com' } });
      const id = js(topLevel(render())).PayloadIdentifier;
      const expected = createHash('sha256').update('jane.doe@example.com').digest('hex');
      expect(id).toBe(`automx2-${expected.slice(0, 32)}`);
      expect(js(topLevel(render())).PayloadIdentifier).toBe(id);
      expect(js(topLevel(other)).PayloadIdentifier).toBe(id);
      expect(
        profileIdentifier({
          address: 'JANE.DOE@EXAMPLE.COM',
          localPart: 'JANE.DOE',
          domain: 'EXAMPLE.COM',
        }),
      ).toBe(id);
    });

    it('gives another address another identifier', () => {
      const john = { address: 'john@example.com', localPart: 'john', domain: 'example.com' };
      expect(profileIdentifier(john)).not.toBe(profileIdentifier(jane));
      expect(profileIdentifier(john)).toMatch(/^automx2-[0-9a-f]{32}$/);
    });

    it('gives the Unicode and punycode forms of an IDN the same identifier', () => {
      const unicode = { address: 'max@müller.example', localPart: 'max', domain: 'müller.example' };
      const ascii = {
        address: 'max@xn--mller-kva.example',
        localPart: 'max',
        domain: 'xn--mller-kva.example',
      };
      expect(profileIdentifier(unicode)).toBe(profileIdentifier(ascii));
    });

    it('draws a fresh 32-hex-digit PayloadUUID for every payload and request', () => {
      const input = { settings: settings(undefined, [davServer('caldav'), davServer('carddav')]) };
      const uuidsOf = (xml: string): JsValue[] =>
        [topLevel(xml), ...payloads(xml)].map((dict) => js(dict).PayloadUUID as JsValue);
      const first = uuidsOf(render(input));
      const second = uuidsOf(render(input));
      for (const uuid of [...first, ...second]) expect(uuid).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set([...first, ...second]).size).toBe(8);
    });

    it('uses the injected generator and puts each UUID into the PayloadIdentifier', () => {
      const xml = render({
        settings: settings(undefined, [davServer('caldav'), davServer('carddav')]),
        uuid: sequentialUuids(),
      });
      const [mailPayload, cal, card] = payloads(xml).map(js);
      expect(js(topLevel(xml)).PayloadUUID).toBe('1'.padStart(32, '0'));
      expect(mailPayload?.PayloadIdentifier).toBe(
        `com.apple.mail.managed.${'2'.padStart(32, '0')}`,
      );
      expect(cal?.PayloadIdentifier).toBe(`com.apple.caldav.account.${'3'.padStart(32, '0')}`);
      expect(card?.PayloadIdentifier).toBe(`com.apple.carddav.account.${'4'.padStart(32, '0')}`);
    });
  });

  describe('DAV payloads', () => {
    it('writes one dict per DAV server after the mail dict, keys in order', () => {
      const cal = davServer('caldav', {
        url: 'https://cal.example.net/dav/',
        port: 443,
        userName: 'cal-user',
      });
      const card = davServer('carddav', {
        url: 'http://card.example.net/',
        useSsl: false,
        userName: 'card-user',
      });
      const xml = render({ settings: settings(undefined, [cal, card]) });
      const [mailPayload, calDict, cardDict] = payloads(xml);
      expect(js(asDict(mailPayload)).PayloadType).toBe('com.apple.mail.managed');
      expect(keysOf(asDict(calDict))).toEqual([
        'CalDAVAccountDescription',
        'CalDAVHostName',
        'CalDAVUsername',
        'CalDAVUseSSL',
        'CalDAVPort',
        'CalDAVPrincipalURL',
        'PayloadDescription',
        'PayloadDisplayName',
        'PayloadIdentifier',
        'PayloadType',
        'PayloadUUID',
        'PayloadVersion',
      ]);
      expect(js(asDict(calDict))).toMatchObject({
        CalDAVAccountDescription: 'Jane.Doe@Example.com (CalDAV)',
        CalDAVHostName: 'cal.example.net',
        CalDAVUsername: 'cal-user',
        CalDAVUseSSL: true,
        CalDAVPort: 443,
        CalDAVPrincipalURL: 'https://cal.example.net/dav/',
        PayloadDescription: 'CalDAV account Jane.Doe@Example.com',
        PayloadDisplayName: 'Example.com',
        PayloadType: 'com.apple.caldav.account',
        PayloadVersion: 1,
      });
      expect(js(asDict(cardDict))).toMatchObject({
        CardDAVAccountDescription: 'Jane.Doe@Example.com (CardDAV)',
        CardDAVHostName: 'card.example.net',
        CardDAVUsername: 'card-user',
        CardDAVUseSSL: false,
        CardDAVPrincipalURL: 'http://card.example.net/',
        PayloadType: 'com.apple.carddav.account',
      });
      expect(dictValue(asDict(calDict), 'CalDAVPort')?.kind).toBe('integer');
    });

    it.each([
      ['davserver.port when set', 8443, 'https://dav.example.net:9000/', 8443],
      ['the URL port when davserver.port is 0', 0, 'https://dav.example.net:8008/dav/', 8008],
      ['an explicit default port in the URL', 0, 'https://dav.example.net:443/', 443],
      ['the port of a URL with userinfo', 0, 'http://u:p@dav.example.net:81', 81],
      ['the port of an IPv6 URL', 0, 'https://[2001:db8::1]:8443/', 8443],
    ])('takes %s', (_case, port, url, expected) => {
      const xml = render({ settings: settings(undefined, [davServer('caldav', { port, url })]) });
      expect(js(asDict(payloads(xml)[1])).CalDAVPort).toBe(expected);
    });

    it('omits the port when neither davserver.port nor the URL has one', () => {
      const server = davServer('carddav', { port: 0, url: 'https://dav.example.net/card/' });
      const xml = render({ settings: settings(undefined, [server]) });
      expect(keysOf(asDict(payloads(xml)[1]))).not.toContain('CardDAVPort');
    });

    it('strips the brackets of an IPv6 host', () => {
      const server = davServer('caldav', { url: 'https://[2001:db8::1]/' });
      const xml = render({ settings: settings(undefined, [server]) });
      expect(js(asDict(payloads(xml)[1])).CalDAVHostName).toBe('2001:db8::1');
    });

    it('uses the stored user name, replaced by the directory uid, and none without one', () => {
      const named = davServer('caldav', { userName: 'stored' });
      const unnamed = davServer('carddav', { userName: null });
      const plain = render({ settings: settings(undefined, [named, unnamed]) });
      expect(js(asDict(payloads(plain)[1])).CalDAVUsername).toBe('stored');
      expect(keysOf(asDict(payloads(plain)[2]))).not.toContain('CardDAVUsername');
      const withUid = render({
        settings: settings(undefined, [named, unnamed]),
        directory: { uid: 'jdoe' },
      });
      expect(js(asDict(payloads(withUid)[1])).CalDAVUsername).toBe('jdoe');
      expect(keysOf(asDict(payloads(withUid)[2]))).not.toContain('CardDAVUsername');
    });

    it('skips servers of unknown type and URLs without a host', () => {
      const servers = [
        davServer('webdav'),
        davServer('CalDAV'),
        davServer('caldav', { url: 'dav.example.net/no-scheme' }),
        davServer('carddav', { url: 'https://ok.example.net/' }),
      ];
      const xml = render({ settings: settings(undefined, servers) });
      const types = payloads(xml).map((dict) => js(dict).PayloadType);
      expect(types).toEqual(['com.apple.mail.managed', 'com.apple.carddav.account']);
    });
  });

  describe('placeholders', () => {
    it('expands placeholders in every string, DAV URLs and usernames included', () => {
      const servers = [
        mailServer('imap', { name: 'imap.%EMAILDOMAIN%', userName: '%EMAILLOCALPART%' }),
        mailServer('smtp', { name: 'smtp.%EMAILDOMAIN%', userName: '%EMAILADDRESS%' }),
      ];
      const dav = [
        davServer('caldav', {
          url: 'https://cal.%EMAILDOMAIN%:8443/dav/%EMAILADDRESS%/',
          userName: '%EMAILLOCALPART%',
        }),
        davServer('carddav', { url: 'https://card.%EMAILDOMAIN%/%EMAILLOCALPART%/' }),
      ];
      const xml = render({
        settings: settings(servers, dav),
        displayName: '%EMAILLOCALPART% (%EMAILDOMAIN%)',
      });
      expect(xml).not.toContain('%EMAIL');
      const [mailPayload, cal, card] = payloads(xml).map(js);
      expect(mailPayload).toMatchObject({
        EmailAccountName: 'Jane.Doe (Example.com)',
        IncomingMailServerHostName: 'imap.Example.com',
        IncomingMailServerUsername: 'Jane.Doe',
        OutgoingMailServerHostName: 'smtp.Example.com',
        OutgoingMailServerUsername: 'Jane.Doe@Example.com',
      });
      expect(cal).toMatchObject({
        CalDAVHostName: 'cal.example.com',
        CalDAVUsername: 'Jane.Doe',
        CalDAVPort: 8443,
        CalDAVPrincipalURL: 'https://cal.Example.com:8443/dav/Jane.Doe@Example.com/',
      });
      expect(card).toMatchObject({
        CardDAVHostName: 'card.example.com',
        CardDAVUsername: 'Jane.Doe@Example.com',
        CardDAVPrincipalURL: 'https://card.Example.com/Jane.Doe/',
      });
    });

    it('expands the directory uid and cn too', () => {
      const payload = mail(
        render({ directory: { uid: 'u-%EMAILLOCALPART%', cn: '%EMAILDOMAIN%' } }),
      );
      expect(payload.IncomingMailServerUsername).toBe('u-Jane.Doe');
      expect(payload.EmailAccountName).toBe('Example.com');
    });

    it('does not expand a placeholder-like local part a second time', () => {
      const tricky = {
        address: '%EMAILDOMAIN%@example.com',
        localPart: '%EMAILDOMAIN%',
        domain: 'example.com',
      };
      const payload = mail(render({ address: tricky }));
      expect(payload.EmailAddress).toBe('%EMAILDOMAIN%@example.com');
      expect(payload.IncomingMailServerUsername).toBe('%EMAILDOMAIN%@example.com');
      expect(payload.PayloadDescription).toBe('Email account %EMAILDOMAIN%@example.com');
    });
  });

  describe('escaping', () => {
    const name = 'Ham & Eggs <"Chef"> Müller 日本 😀';

    it('escapes &, < and quotes through the XML library and reads back unchanged', () => {
      const servers = [mailServer('imap', { userName: 'a&b<c>"d"' }), mailServer('smtp')];
      const xml = render({ settings: settings(servers), displayName: name });
      expect(xml).toContain('Ham &amp; Eggs &lt;"Chef"&gt; Müller 日本 😀');
      expect(xml).not.toContain('Ham & Eggs');
      const payload = mail(xml);
      expect(payload.EmailAccountName).toBe(name);
      expect(payload.IncomingMailServerUsername).toBe('a&b<c>"d"');
    });

    it('is read back identically by the plist package itself', () => {
      const xml = render({
        settings: settings(undefined, [davServer('caldav', { url: 'https://x.example/?a=1&b=2' })]),
        displayName: `${name}\nsecond line`,
        password: `p&ss<"'>`,
      });
      expect(parseWithPlistPackage(xml)).toEqual(plistToJs(readPlist(xml)));
      const parsed = parseWithPlistPackage(xml) as { PayloadContent: Record<string, unknown>[] };
      expect(parsed.PayloadContent[0]?.EmailAccountName).toBe(`${name}\nsecond line`);
      expect(parsed.PayloadContent[1]?.CalDAVPrincipalURL).toBe('https://x.example/?a=1&b=2');
    });

    it('replaces characters XML cannot carry with U+FFFD', () => {
      const xml = render({ displayName: 'a\u0001b\uFFFEc\uD800d' });
      expect(mail(xml).EmailAccountName).toBe('a\uFFFDb\uFFFDc\uFFFDd');
      expect(checkAppleProfile(xml)).toEqual([]);
    });
  });
});
