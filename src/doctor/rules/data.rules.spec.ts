import { davServer, domainView, IMAP, POP, SMTP } from '../../../test/support/doctor-views';
import {
  davUrlWithoutHost,
  nearestPlaceholder,
  portOutOfRange,
  prioTie,
  unknownAuthentication,
  unknownDavType,
  unknownPlaceholder,
  unknownPlaceholders,
  unknownServerType,
  unknownSocketType,
} from './data.rules';

describe('data rules', () => {
  const healthy = domainView();
  const rules = [
    portOutOfRange,
    unknownServerType,
    unknownSocketType,
    unknownAuthentication,
    unknownPlaceholder,
    davUrlWithoutHost,
    unknownDavType,
    prioTie,
  ];

  it('are all silent on a healthy domain', () => {
    expect(rules.flatMap((rule) => rule(healthy))).toEqual([]);
  });

  describe('data.port-out-of-range', () => {
    it('fires for mail ports outside 1–65535 and DAV ports outside 0–65535', () => {
      const view = domainView({
        servers: [IMAP({ port: 0 }), SMTP({ port: 65536 }), IMAP()],
        davservers: [davServer({ port: 0 }), davServer({ port: -5 })],
      });
      expect(portOutOfRange(view).map((f) => [f.rule, f.severity, f.field])).toEqual([
        ['data.port-out-of-range', 'warning', 'servers[0].port'],
        ['data.port-out-of-range', 'warning', 'servers[1].port'],
        ['data.port-out-of-range', 'warning', 'davservers[1].port'],
      ]);
    });
  });

  describe('data.unknown-server-type', () => {
    it.each(['INVALID', 'IMAP', 'pop3', 'submission'])('fires for %j', (type) => {
      const findings = unknownServerType(domainView({ servers: [IMAP(), SMTP(), IMAP({ type })] }));
      expect(findings.map((f) => [f.rule, f.severity, f.clients, f.field])).toEqual([
        ['data.unknown-server-type', 'error', ['thunderbird', 'k9', 'outlook'], 'servers[2].type'],
      ]);
    });
  });

  describe('data.unknown-socket-type', () => {
    it('fires with K-9 for IMAP and SMTP, without for POP', () => {
      const view = domainView({
        servers: [IMAP({ socket_type: 'TLS' }), POP({ socket_type: 'tls1.3' }), SMTP()],
      });
      expect(unknownSocketType(view).map((f) => [f.field, f.clients])).toEqual([
        ['servers[0].socket_type', ['thunderbird', 'k9']],
        ['servers[1].socket_type', ['thunderbird']],
      ]);
    });

    it.each(['SSL', 'starttls', 'Auto', 'None', 'plain'])('is silent for %j', (socket_type) => {
      expect(unknownSocketType(domainView({ servers: [IMAP({ socket_type }), SMTP()] }))).toEqual(
        [],
      );
    });
  });

  describe('data.unknown-authentication', () => {
    it('names Apple only for the server its profile takes', () => {
      const view = domainView({
        servers: [
          IMAP({ authentication: 'kerberos' }),
          IMAP({ authentication: 'password' }),
          POP({ authentication: 'apop' }),
          SMTP(),
        ],
      });
      expect(unknownAuthentication(view).map((f) => [f.field, f.clients])).toEqual([
        ['servers[0].authentication', ['thunderbird', 'k9', 'apple']],
        ['servers[1].authentication', ['thunderbird', 'k9']],
        ['servers[2].authentication', ['thunderbird']],
      ]);
    });
  });

  describe('data.unknown-placeholder', () => {
    it('fires for misspelt placeholders in server and DAV fields, with the likely fix', () => {
      const view = domainView({
        servers: [IMAP({ user_name: '%EMAILADRESS%' }), SMTP({ name: 'smtp.%EMAILDOMIAN%' })],
        davservers: [davServer({ url: 'https://dav.example.com/%emailaddress%/' })],
      });
      const findings = unknownPlaceholder(view);
      expect(findings.map((f) => [f.rule, f.severity, f.field, f.fix])).toEqual([
        ['data.unknown-placeholder', 'error', 'servers[0].user_name', 'Write %EMAILADDRESS%.'],
        ['data.unknown-placeholder', 'error', 'servers[1].name', 'Write %EMAILDOMAIN%.'],
        ['data.unknown-placeholder', 'error', 'davservers[0].url', 'Write %EMAILADDRESS%.'],
      ]);
      expect(findings[2]?.clients).toEqual(['outlook', 'apple']);
    });

    it('ignores known placeholders and percent-escapes', () => {
      expect(unknownPlaceholders('%EMAILLOCALPART%@%EMAILDOMAIN%')).toEqual([]);
      expect(unknownPlaceholders('https://h/~j%C3%BCrgen/%AB%CD%')).toEqual([]);
      expect(unknownPlaceholders('%USERNAME%')).toEqual(['USERNAME']);
      expect(nearestPlaceholder('USERNAME')).toBeUndefined();
    });
  });

  describe('data.dav-url-without-host', () => {
    it.each(['/dav/', 'dav.example.com/dav', 'mailto:dav@example.com', ''])(
      'fires for %j',
      (url) => {
        const findings = davUrlWithoutHost(domainView({ davservers: [davServer({ url })] }));
        expect(findings.map((f) => [f.rule, f.severity, f.field])).toEqual([
          ['data.dav-url-without-host', 'warning', 'davservers[0].url'],
        ]);
      },
    );

    it('takes a placeholder host as a host', () => {
      const view = domainView({ davservers: [davServer({ url: 'https://dav.%EMAILDOMAIN%/' })] });
      expect(davUrlWithoutHost(view)).toEqual([]);
    });
  });

  describe('data.unknown-dav-type', () => {
    it('fires for a type other than caldav/carddav', () => {
      const view = domainView({ davservers: [davServer({ type: 'CalDAV' })] });
      expect(unknownDavType(view).map((f) => f.field)).toEqual(['davservers[0].type']);
    });
  });

  describe('data.prio-tie', () => {
    it('fires once per group of same-type servers with the same prio', () => {
      const view = domainView({
        servers: [
          IMAP(),
          IMAP({ name: 'imap2.example.com' }),
          SMTP({ prio: 10 }),
          SMTP({ prio: 20 }),
        ],
      });
      expect(prioTie(view).map((f) => [f.rule, f.severity, f.subject, f.field])).toEqual([
        ['data.prio-tie', 'info', 'servers 1, 2 (imap, prio 10)', 'servers[0].prio'],
      ]);
    });
  });
});
