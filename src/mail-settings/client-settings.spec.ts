import { clientSettings, type UnusablePort } from './client-settings';
import { exampleSettings } from '../../test/support/fake-mailbox';
import type { DavServer, DomainSettings, MailServer } from './domain-settings';

/** The IMAP server of the shared example settings, changed by `overrides`. */
function mail(overrides: Partial<MailServer> = {}): MailServer {
  const [imap] = exampleSettings().servers;
  return { ...imap!, ...overrides };
}

function dav(overrides: Partial<DavServer> = {}): DavServer {
  return {
    id: 1,
    url: 'https://dav.example.com/',
    port: 0,
    type: 'caldav',
    useSsl: true,
    domainRequired: true,
    userName: null,
    ...overrides,
  };
}

function settings(overrides: Partial<DomainSettings> = {}): DomainSettings {
  return {
    ...exampleSettings({ domainName: 'bücher.example', davServers: [dav()] }),
    providerDomains: ['example.com', 'bücher.example'],
    servers: [mail()],
    ...overrides,
  };
}

describe(clientSettings.name, () => {
  it('writes host names, provider domains and DAV URLs in ASCII, keeping the domain name', () => {
    const view = clientSettings(
      settings({
        servers: [mail({ name: 'imap.bücher.example' })],
        davServers: [dav({ url: 'https://dav.bücher.example/jürgen/' })],
      }),
    );
    expect(view.domainName).toBe('bücher.example');
    expect(view.providerDomains).toEqual(['example.com', 'xn--bcher-kva.example']);
    expect(view.servers.map((server) => server.name)).toEqual(['imap.xn--bcher-kva.example']);
    expect(view.davServers.map((server) => server.url)).toEqual([
      'https://dav.xn--bcher-kva.example/j%C3%BCrgen/',
    ]);
  });

  it('returns ASCII data unchanged', () => {
    const stored = settings({ providerDomains: ['example.com'] });
    expect(clientSettings(stored)).toEqual(stored);
  });

  it.each([0, -1, 65536, 70000, 1.5])(
    'leaves out a mail server with port %p and reports it',
    (port) => {
      const reported: UnusablePort[] = [];
      const view = clientSettings(
        settings({ servers: [mail({ id: 7, port }), mail({ id: 8, port: 1 })] }),
        (server) => reported.push(server),
      );
      expect(view.servers.map((server) => server.id)).toEqual([8]);
      expect(reported).toEqual([{ kind: 'server', id: 7, name: 'imap.example.com', port }]);
    },
  );

  it.each([1, 143, 65535])('keeps a mail server with port %p', (port) => {
    expect(clientSettings(settings({ servers: [mail({ port })] })).servers).toHaveLength(1);
  });

  it('keeps DAV port 0 ("not set") and leaves out DAV ports outside 0-65535', () => {
    const reported: UnusablePort[] = [];
    const view = clientSettings(
      settings({
        davServers: [
          dav({ id: 1, port: 0 }),
          dav({ id: 2, port: -1 }),
          dav({ id: 3, port: 65536 }),
        ],
      }),
      (server) => reported.push(server),
    );
    expect(view.davServers.map((server) => server.id)).toEqual([1]);
    expect(reported.map((server) => [server.kind, server.id])).toEqual([
      ['davserver', 2],
      ['davserver', 3],
    ]);
  });
});
