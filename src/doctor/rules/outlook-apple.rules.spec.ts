import { davServer, domainView, IMAP, POP, SMTP } from '../../../test/support/doctor-views';
import {
  appleAuthenticationRule,
  appleCardDavPrincipal,
  appleServers,
  noIncomingServer,
  smtpMissing,
} from './outlook-apple.rules';

describe('Outlook and Apple rules', () => {
  const healthy = domainView();

  describe('smtp.missing', () => {
    it('fires without an SMTP server, or with only one left out for its port', () => {
      for (const servers of [[IMAP()], [IMAP(), SMTP({ port: -1 })]]) {
        expect(smtpMissing(domainView({ servers }))).toEqual([
          expect.objectContaining({
            rule: 'smtp.missing',
            severity: 'error',
            clients: ['thunderbird', 'k9', 'outlook', 'apple'],
            field: 'servers',
          }),
        ]);
      }
    });

    it('is silent with an SMTP server', () => {
      expect(smtpMissing(healthy)).toEqual([]);
    });
  });

  describe('data.no-incoming-server', () => {
    it('fires without IMAP and POP', () => {
      expect(noIncomingServer(domainView({ servers: [SMTP()] })).map((f) => f.rule)).toEqual([
        'data.no-incoming-server',
      ]);
      expect(noIncomingServer(domainView({ servers: [] }))).toHaveLength(1);
    });

    it('is silent with IMAP or POP', () => {
      expect(noIncomingServer(healthy)).toEqual([]);
      expect(noIncomingServer(domainView({ servers: [POP(), SMTP()] }))).toEqual([]);
    });
  });

  describe('appleServers', () => {
    it('takes IMAP before POP and the first encrypted server of each type', () => {
      const view = domainView({
        servers: [
          POP(),
          IMAP({ socket_type: 'None', name: 'plain.example.com' }),
          IMAP({ name: 'tls.example.com' }),
          SMTP({ socket_type: 'plain' }),
        ],
      });
      expect(appleServers(view).map(({ index }) => index)).toEqual([2, 3]);
    });
  });

  describe('apple.unsupported-authentication', () => {
    it.each(['GSSAPI', 'OAuth2', 'TLS-client-cert'])(
      'fires for %s on a chosen server',
      (authentication) => {
        const findings = appleAuthenticationRule(
          domainView({ servers: [IMAP(), SMTP({ authentication })] }),
        );
        expect(findings.map((f) => [f.rule, f.severity, f.clients, f.field])).toEqual([
          ['apple.unsupported-authentication', 'error', ['apple'], 'servers[1].authentication'],
        ]);
      },
    );

    it('is silent for a server the profile does not take, and for password servers', () => {
      const view = domainView({
        servers: [IMAP(), IMAP({ authentication: 'OAuth2' }), SMTP({ authentication: 'NTLM' })],
      });
      expect(appleAuthenticationRule(view)).toEqual([]);
      expect(appleAuthenticationRule(healthy)).toEqual([]);
    });
  });

  describe('apple.carddav-principal-url', () => {
    it('fires for a CardDAV URL with a path', () => {
      const view = domainView({
        davservers: [
          davServer({ type: 'carddav', url: 'https://dav.example.com/dav/%EMAILADDRESS%/' }),
        ],
      });
      expect(appleCardDavPrincipal(view).map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['apple.carddav-principal-url', 'info', 'davservers[0].url'],
      ]);
    });

    it('is silent for a host-only URL, CalDAV, and a URL without a host', () => {
      const view = domainView({
        davservers: [
          davServer({ type: 'carddav', url: 'https://dav.example.com' }),
          davServer({ type: 'caldav', url: 'https://dav.example.com/cal/' }),
          davServer({ type: 'carddav', url: '/dav/' }),
        ],
      });
      expect(appleCardDavPrincipal(view)).toEqual([]);
      expect(appleCardDavPrincipal(healthy)).toEqual([]);
    });
  });
});
