import { parseXmlDocument, type XmlElement } from '../../test/clients/xml-tree';
import { DomainError } from '../common/domain-error';
import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import { AutoconfigRenderer } from './autoconfig.renderer';

type Element = XmlElement;

/** Parses a document strictly: it must be well-formed and have exactly one root. */
function parseDocument(xml: string): Element {
  const parsed = parseXmlDocument(xml);
  expect(parsed.violations).toBeUndefined();
  return parsed.root as Element;
}

function emailProvider(xml: string): Element {
  const root = parseDocument(xml);
  expect(root.name).toBe('clientConfig');
  const [provider] = root.children;
  expect(provider?.name).toBe('emailProvider');
  return provider as Element;
}

function servers(xml: string): Element[] {
  return emailProvider(xml).children.filter((child) => child.name.endsWith('Server'));
}

function childText(element: Element, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}

function mailServer(overrides: Partial<MailServer> = {}): MailServer {
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

function domainSettings(overrides: Partial<DomainSettings> = {}): DomainSettings {
  return {
    domainId: 1,
    domainName: 'example.com',
    provider: { id: 1, name: 'Big Corporation, Inc.', shortName: 'BigCorp' },
    providerDomains: ['example.com', 'example.net', 'example.org'],
    servers: [
      mailServer({ id: 3, name: 'imap1.example.com' }),
      mailServer({ id: 1, name: 'primary-smtp.example.com', port: 587, type: 'smtp' }),
    ],
    davServers: [],
    ldapServer: null,
    ...overrides,
  };
}

const GOLDEN =
  '<clientConfig version="1.1"><emailProvider id="automx2-1"><identity />' +
  '<domain>example.com</domain><domain>example.net</domain><domain>example.org</domain>' +
  '<displayName>Big Corporation, Inc.</displayName><displayShortName>BigCorp</displayShortName>' +
  '<incomingServer type="imap"><hostname>imap1.example.com</hostname><port>143</port>' +
  '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></incomingServer>' +
  '<outgoingServer type="smtp"><hostname>primary-smtp.example.com</hostname><port>587</port>' +
  '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
  '<authentication>password-cleartext</authentication></outgoingServer>' +
  '</emailProvider></clientConfig>';

describe(AutoconfigRenderer.name, () => {
  const renderer = new AutoconfigRenderer();

  describe('render', () => {
    it('writes the exact document for a small sample', () => {
      expect(renderer.render(domainSettings())).toBe(GOLDEN);
    });

    it('writes no XML declaration and no whitespace between elements', () => {
      const xml = renderer.render(domainSettings());
      expect(xml.startsWith('<clientConfig ')).toBe(true);
      expect(xml).not.toContain('<?xml');
      expect(xml).not.toMatch(/>\s+</);
      expect(xml).not.toContain('\n');
    });

    it('writes the empty identity element as <identity />', () => {
      const xml = renderer.render(domainSettings());
      expect(xml).toContain('<emailProvider id="automx2-1"><identity /><domain>');
      expect(xml).not.toContain('<identity/>');
      expect(xml).not.toContain('<identity>');
    });

    it('uses automx2-{provider.id} as the provider id', () => {
      const settings = domainSettings({ provider: { id: 42, name: 'P', shortName: 'p' } });
      expect(emailProvider(renderer.render(settings)).attributes).toEqual({ id: 'automx2-42' });
    });

    it('lists every provider domain in the given order, then the display names', () => {
      const settings = domainSettings({
        providerDomains: ['b.example', 'a.example', 'c.example'],
        provider: { id: 7, name: 'Long Name', shortName: 'LN' },
      });
      const names = emailProvider(renderer.render(settings)).children.map((child) =>
        child.name === 'domain' || child.name.startsWith('display')
          ? `${child.name}=${child.text}`
          : child.name,
      );
      expect(names).toEqual([
        'identity',
        'domain=b.example',
        'domain=a.example',
        'domain=c.example',
        'displayName=Long Name',
        'displayShortName=LN',
        'incomingServer',
        'outgoingServer',
      ]);
    });

    it('interleaves imap, pop and smtp servers in the given order', () => {
      const settings = domainSettings({
        servers: [
          mailServer({ id: 5, type: 'smtp', name: 's1' }),
          mailServer({ id: 2, type: 'imap', name: 'i1' }),
          mailServer({ id: 4, type: 'pop', name: 'p1' }),
          mailServer({ id: 1, type: 'smtp', name: 's2' }),
          mailServer({ id: 3, type: 'imap', name: 'i2' }),
        ],
      });
      const found = servers(renderer.render(settings)).map(
        (server) => `${server.name}/${server.attributes['type']}/${childText(server, 'hostname')}`,
      );
      expect(found).toEqual([
        'outgoingServer/smtp/s1',
        'incomingServer/imap/i1',
        'incomingServer/pop3/p1',
        'outgoingServer/smtp/s2',
        'incomingServer/imap/i2',
      ]);
    });

    it('writes hostname, port, socketType, username and authentication in that order', () => {
      const settings = domainSettings({
        servers: [
          mailServer({
            type: 'pop',
            name: 'pop.example.com',
            port: 995,
            socketType: 'SSL',
            userName: 'someone',
            authentication: 'secure',
          }),
        ],
      });
      const [server] = servers(renderer.render(settings));
      expect(server?.attributes).toEqual({ type: 'pop3' });
      expect(server?.children.map((child) => [child.name, child.text])).toEqual([
        ['hostname', 'pop.example.com'],
        ['port', '995'],
        ['socketType', 'SSL'],
        ['username', 'someone'],
        ['authentication', 'password-encrypted'],
      ]);
    });

    it.each([
      ['SSL', 'SSL'],
      ['STARTTLS', 'STARTTLS'],
      ['Auto', 'STARTTLS'],
      ['None', 'plain'],
      ['plain', 'plain'],
      ['ssl', 'SSL'],
      ['starttls', 'STARTTLS'],
      ['AUTO', 'STARTTLS'],
      ['NONE', 'plain'],
      ['Plain', 'plain'],
      ['TLS', 'TLS'],
    ])('maps the stored socket type %p to %p', (stored, expected) => {
      const settings = domainSettings({ servers: [mailServer({ socketType: stored })] });
      const [server] = servers(renderer.render(settings));
      expect(server && childText(server, 'socketType')).toBe(expected);
    });

    it.each([
      ['plain', 'password-cleartext'],
      ['PLAIN', 'password-cleartext'],
      ['secure', 'password-encrypted'],
      ['Secure', 'password-encrypted'],
      ['password-cleartext', 'password-cleartext'],
      ['OAuth2', 'OAuth2'],
      ['NTLM', 'NTLM'],
      ['none', 'none'],
    ])('maps the stored authentication %p to %p', (stored, expected) => {
      const settings = domainSettings({ servers: [mailServer({ authentication: stored })] });
      const [server] = servers(renderer.render(settings));
      expect(server && childText(server, 'authentication')).toBe(expected);
    });

    it('replaces every username with the directory uid', () => {
      const settings = domainSettings({
        servers: [
          mailServer({ type: 'imap', userName: '%EMAILADDRESS%' }),
          mailServer({ type: 'pop', userName: 'fixed-user' }),
          mailServer({ type: 'smtp', userName: '' }),
        ],
      });
      const xml = renderer.render(settings, { uid: 'jdoe', cn: 'John Doe' });
      const usernames = servers(xml).map((server) => childText(server, 'username'));
      expect(usernames).toEqual(['jdoe', 'jdoe', 'jdoe']);
      expect(xml).not.toContain('John Doe');
    });

    it('keeps the stored usernames when the directory gives no uid or an empty one', () => {
      const settings = domainSettings();
      const expected = renderer.render(settings);
      expect(renderer.render(settings, {})).toBe(expected);
      expect(renderer.render(settings, { uid: '' })).toBe(expected);
      expect(renderer.render(settings, { cn: 'John Doe' })).toBe(expected);
    });

    it('writes an empty stored username as <username />', () => {
      const settings = domainSettings({ servers: [mailServer({ userName: '' })] });
      expect(renderer.render(settings)).toContain('<username />');
    });

    it('does not expand placeholders', () => {
      const userName = '%EMAILLOCALPART%+x@%EMAILDOMAIN% %EMAILADDRESS%';
      const settings = domainSettings({ servers: [mailServer({ userName })] });
      const xml = renderer.render(settings);
      expect(xml).toContain(`<username>${userName}</username>`);
      const [server] = servers(xml);
      expect(server && childText(server, 'username')).toBe(userName);
    });

    it('writes the document without server elements for a domain with no servers', () => {
      const xml = renderer.render(domainSettings({ servers: [] }));
      expect(xml).toBe(
        '<clientConfig version="1.1"><emailProvider id="automx2-1"><identity />' +
          '<domain>example.com</domain><domain>example.net</domain><domain>example.org</domain>' +
          '<displayName>Big Corporation, Inc.</displayName>' +
          '<displayShortName>BigCorp</displayShortName></emailProvider></clientConfig>',
      );
      expect(servers(xml)).toEqual([]);
    });

    it('leaves DAV servers out', () => {
      const dav: DavServer = {
        id: 1,
        url: 'https://caldav.example.com',
        port: 443,
        type: 'caldav',
        useSsl: true,
        domainRequired: false,
        userName: '%EMAILADDRESS%',
      };
      expect(renderer.render(domainSettings({ davServers: [dav] }))).toBe(GOLDEN);
    });

    it.each(['INVALID', 'IMAP', 'pop3', 'Smtp', ' imap', ''])(
      'refuses the server type %p with UNSUPPORTED_DATA',
      (type) => {
        const settings = domainSettings({
          servers: [mailServer(), mailServer({ type, name: 'secret-host.example' })],
        });
        let caught: unknown;
        try {
          renderer.render(settings);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(DomainError);
        expect(caught).toMatchObject({
          code: 'UNSUPPORTED_DATA',
          message: 'Unsupported server type',
        });
      },
    );

    it('escapes markup characters and keeps non-ASCII text, round-tripping every value', () => {
      const settings = domainSettings({
        provider: { id: 2, name: 'Ham & Eggs <"Ltd">', shortName: "H+E's" },
        providerDomains: ['müller.example', 'ham-n-eggs.tld'],
        servers: [
          mailServer({
            name: 'imap.müller.example',
            userName: 'a&b<c>"d"@example.com',
          }),
          mailServer({ type: 'smtp', name: 'smtp.example', userName: 'Müller GmbH ]]>' }),
        ],
      });
      const xml = renderer.render(settings);

      expect(xml).toContain('<displayName>Ham &amp; Eggs &lt;"Ltd"&gt;</displayName>');
      expect(xml).not.toContain('<"Ltd">');
      expect(xml).not.toContain(']]>');
      expect(xml).toContain('<domain>müller.example</domain>');

      const provider = emailProvider(xml);
      expect(childText(provider, 'displayName')).toBe('Ham & Eggs <"Ltd">');
      expect(childText(provider, 'displayShortName')).toBe("H+E's");
      expect(
        provider.children.filter((child) => child.name === 'domain').map((child) => child.text),
      ).toEqual(['müller.example', 'ham-n-eggs.tld']);
      const [imap, smtp] = servers(xml);
      expect(imap && childText(imap, 'hostname')).toBe('imap.müller.example');
      expect(imap && childText(imap, 'username')).toBe('a&b<c>"d"@example.com');
      expect(smtp && childText(smtp, 'username')).toBe('Müller GmbH ]]>');
    });

    it('escapes a directory uid as well', () => {
      const xml = renderer.render(domainSettings(), { uid: '<uid&"x">' });
      expect(servers(xml).map((server) => childText(server, 'username'))).toEqual([
        '<uid&"x">',
        '<uid&"x">',
      ]);
    });

    it('refuses stored text that XML cannot carry with UNSUPPORTED_DATA', () => {
      const settings = domainSettings({
        provider: { id: 1, name: 'bad\u0001name', shortName: 'b' },
      });
      expect(() => renderer.render(settings)).toThrow(DomainError);
      expect(() => renderer.render(settings)).toThrow('Stored data cannot be written as XML');
    });
  });
});
