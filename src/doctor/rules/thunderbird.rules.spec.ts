import { domainView, IMAP, POP, SMTP } from '../../../test/support/doctor-views';
import {
  thunderbirdAuthentication,
  thunderbirdAutodiscoverPort,
  thunderbirdEmptyUsername,
  thunderbirdNumericUsername,
  thunderbirdOAuth2Host,
} from './thunderbird.rules';
import { thunderbirdKnowsOAuth2Host } from '../../mail-settings/thunderbird-oauth2-hosts';

describe('Thunderbird rules', () => {
  const healthy = domainView();

  describe('thunderbird.autodiscover-starttls-port / -ssl-port', () => {
    it('fires for STARTTLS on a port Thunderbird takes for implicit TLS', () => {
      const findings = thunderbirdAutodiscoverPort(
        domainView({ servers: [IMAP({ socket_type: 'STARTTLS', port: 1143 }), SMTP()] }),
      );
      expect(findings.map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['thunderbird.autodiscover-starttls-port', 'warning', 'servers[0].port'],
      ]);
    });

    it('fires for SSL on a port Thunderbird takes for STARTTLS', () => {
      const findings = thunderbirdAutodiscoverPort(
        domainView({ servers: [IMAP(), SMTP({ socket_type: 'ssl', port: 25 })] }),
      );
      expect(findings.map((f) => f.rule)).toEqual(['thunderbird.autodiscover-ssl-port']);
    });

    it('is silent on the standard ports and for None and Auto', () => {
      expect(thunderbirdAutodiscoverPort(healthy)).toEqual([]);
      const view = domainView({
        servers: [
          IMAP({ socket_type: 'STARTTLS', port: 143 }),
          POP({ socket_type: 'STARTTLS', port: 110 }),
          SMTP({ socket_type: 'SSL', port: 465 }),
          SMTP({ socket_type: 'None', port: 2525 }),
          IMAP({ socket_type: 'Auto', port: 1143 }),
        ],
      });
      expect(thunderbirdAutodiscoverPort(view)).toEqual([]);
    });
  });

  describe('thunderbird.oauth2-without-provider', () => {
    it('is an error when no other server of the direction is left', () => {
      const findings = thunderbirdOAuth2Host(
        domainView({ servers: [IMAP({ authentication: 'OAuth2' }), SMTP()] }),
      );
      expect(findings.map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['thunderbird.oauth2-without-provider', 'error', 'servers[0].authentication'],
      ]);
    });

    it('is a warning when another server of the direction remains', () => {
      const findings = thunderbirdOAuth2Host(
        domainView({ servers: [SMTP({ authentication: 'oauth2' }), SMTP(), IMAP()] }),
      );
      expect(findings.map((f) => f.severity)).toEqual(['warning']);
      expect(findings[0]?.effect).toContain('next outgoing server');
    });

    it('is silent for hosts Thunderbird knows, and for password servers', () => {
      const view = domainView({
        servers: [
          IMAP({ authentication: 'OAuth2', name: 'imap.gmail.com' }),
          SMTP({ authentication: 'OAuth2', name: 'smtp.office365.com' }),
        ],
      });
      expect(thunderbirdOAuth2Host(view)).toEqual([]);
      expect(thunderbirdOAuth2Host(healthy)).toEqual([]);
    });
  });

  describe('thunderbirdKnowsOAuth2Host', () => {
    it('looks the host up, then each parent domain, case-sensitively', () => {
      expect(thunderbirdKnowsOAuth2Host('imap.gmail.com')).toBe(true);
      expect(thunderbirdKnowsOAuth2Host('a.b.outlook.com')).toBe(true);
      expect(thunderbirdKnowsOAuth2Host('imap.aol.com')).toBe(true);
      expect(thunderbirdKnowsOAuth2Host('mail.aol.com')).toBe(false);
      expect(thunderbirdKnowsOAuth2Host('IMAP.GMAIL.COM')).toBe(false);
      expect(thunderbirdKnowsOAuth2Host('com')).toBe(false);
      expect(thunderbirdKnowsOAuth2Host('notgmail.com')).toBe(false);
    });
  });

  describe('thunderbird.empty-username', () => {
    it('fires for an empty or blank user name with a password', () => {
      const findings = thunderbirdEmptyUsername(
        domainView({ servers: [IMAP({ user_name: '' }), SMTP({ user_name: '  ' })] }),
      );
      expect(findings.map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['thunderbird.empty-username', 'error', 'servers[0].user_name'],
        ['thunderbird.empty-username', 'error', 'servers[1].user_name'],
      ]);
      expect(findings[0]?.effect).toContain('reads it as "true"');
      expect(findings[1]?.effect).toContain('reads it as "NaN"');
    });

    it('is silent without authentication and with a user name', () => {
      const view = domainView({
        servers: [IMAP(), SMTP({ user_name: '', authentication: 'client-IP-address' })],
      });
      expect(thunderbirdEmptyUsername(view)).toEqual([]);
    });
  });

  describe('thunderbird.numeric-username', () => {
    it.each([
      ['0815', '815'],
      ['1e3', '1000'],
      ['1.50', '1.5'],
      ['TRUE', 'true'],
    ])('fires for %j (read as %j)', (userName, reading) => {
      const findings = thunderbirdNumericUsername(
        domainView({ servers: [IMAP({ user_name: userName }), SMTP()] }),
      );
      expect(findings.map((f) => [f.rule, f.field])).toEqual([
        ['thunderbird.numeric-username', 'servers[0].user_name'],
      ]);
      expect(findings[0]?.effect).toContain(`"${reading}"`);
    });

    it.each(['815', 'alice', '%EMAILLOCALPART%', '0815%EMAILDOMAIN%', 'a0815'])(
      'is silent for %j',
      (userName) => {
        const view = domainView({ servers: [IMAP({ user_name: userName }), SMTP()] });
        expect(thunderbirdNumericUsername(view)).toEqual([]);
      },
    );
  });
});

describe('thunderbird.authentication-skipped', () => {
  it.each([
    ['imap', 'none', 'error'],
    ['imap', 'client-IP-address', 'error'],
    ['smtp', 'TLS-client-cert', 'error'],
  ])('fires for %s with %s', (type, authentication, severity) => {
    const servers =
      type === 'smtp' ? [IMAP(), SMTP({ authentication })] : [IMAP({ authentication }), SMTP()];
    const findings = thunderbirdAuthentication(domainView({ servers }));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['thunderbird.authentication-skipped', severity],
    ]);
  });

  it('is a warning when another server of the direction remains, silent for SMTP without auth', () => {
    const view = domainView({
      servers: [IMAP({ authentication: 'none' }), IMAP(), SMTP({ authentication: 'none' })],
    });
    expect(thunderbirdAuthentication(view).map((f) => [f.field, f.severity])).toEqual([
      ['servers[0].authentication', 'warning'],
    ]);
  });
});
