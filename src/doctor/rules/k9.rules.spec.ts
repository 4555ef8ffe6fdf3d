import { domainView, IMAP, POP, SMTP } from '../../../test/support/doctor-views';
import { k9Authentication, k9PopOnly, k9Unencrypted } from './k9.rules';

describe('K-9 rules', () => {
  const healthy = domainView();

  describe('k9.unencrypted', () => {
    it.each(['None', 'plain', ' PLAIN '])('fires for socket type %j on IMAP and SMTP', (socket) => {
      const view = domainView({
        servers: [IMAP({ socket_type: socket }), SMTP({ socket_type: socket })],
      });
      const findings = k9Unencrypted(view);
      expect(findings.map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['k9.unencrypted', 'error', 'servers[0].socket_type'],
        ['k9.unencrypted', 'error', 'servers[1].socket_type'],
      ]);
      expect(findings[0]?.clients).toEqual(['k9']);
      expect(findings[0]?.subject).toBe('server 1 (imap.example.com:993, imap)');
    });

    it('is silent for POP (K-9 does not read it) and for encrypted servers', () => {
      expect(
        k9Unencrypted(domainView({ servers: [POP({ socket_type: 'None' }), IMAP(), SMTP()] })),
      ).toEqual([]);
      expect(
        k9Unencrypted(domainView({ servers: [IMAP({ socket_type: 'Auto' }), SMTP()] })),
      ).toEqual([]);
      expect(k9Unencrypted(healthy)).toEqual([]);
    });

    it('is silent for a server left out of every answer (bad port)', () => {
      const view = domainView({
        servers: [IMAP({ socket_type: 'None', port: 0 }), IMAP(), SMTP()],
      });
      expect(k9Unencrypted(view)).toEqual([]);
    });
  });

  describe('k9.authentication', () => {
    it.each(['NTLM', 'GSSAPI', 'none', 'client-IP-address', 'TLS-client-cert'])(
      'fires for %s',
      (authentication) => {
        const findings = k9Authentication(
          domainView({ servers: [IMAP(), SMTP({ authentication })] }),
        );
        expect(findings.map((f) => [f.rule, f.field])).toEqual([
          ['k9.authentication', 'servers[1].authentication'],
        ]);
      },
    );

    it.each(['plain', 'secure', 'password-cleartext', 'password-encrypted', 'OAuth2', 'oauth2'])(
      'is silent for %s (what the renderer writes is one K-9 takes)',
      (authentication) => {
        expect(
          k9Authentication(domainView({ servers: [IMAP({ authentication }), SMTP()] })),
        ).toEqual([]);
      },
    );

    it('leaves unknown values to data.unknown-authentication', () => {
      expect(
        k9Authentication(domainView({ servers: [IMAP({ authentication: 'kerberos5' }), SMTP()] })),
      ).toEqual([]);
    });
  });

  describe('k9.pop-only', () => {
    it('fires for a domain with POP and no IMAP', () => {
      const findings = k9PopOnly(domainView({ servers: [POP(), SMTP()] }));
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'k9.pop-only',
          severity: 'error',
          clients: ['k9'],
          field: 'servers',
          subject: 'domain example.com',
        }),
      ]);
    });

    it('fires when the only IMAP server is left out for its port', () => {
      expect(
        k9PopOnly(domainView({ servers: [IMAP({ port: 70000 }), POP(), SMTP()] })),
      ).toHaveLength(1);
    });

    it('is silent with IMAP (with or without POP) and without any incoming server', () => {
      expect(k9PopOnly(healthy)).toEqual([]);
      expect(k9PopOnly(domainView({ servers: [POP(), IMAP(), SMTP()] }))).toEqual([]);
      expect(k9PopOnly(domainView({ servers: [SMTP()] }))).toEqual([]);
    });
  });
});
