import type { DomainView, ServerView } from '../../admin/admin-store';
import { compareSrv, type PublishedService } from './srv-compare';
import { liveServers, type LiveServer } from './stored-servers';

const server = (id: number, change: Partial<ServerView>): ServerView => ({
  id,
  type: 'imap',
  name: 'mail.example.org',
  port: 993,
  socket_type: 'SSL',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: id,
  ...change,
});

function servers(list: ServerView[]): LiveServer[] {
  const view: DomainView = {
    name: 'example.org',
    provider: { id: 1, name: 'Example', short_name: 'Ex' },
    ldapserver: null,
    servers: list,
    davservers: [],
  };
  return liveServers(view).flatMap((item) => (item.checkable ? [item.server] : []));
}

const srv = (name: string, port: number, priority = 0) => ({ name, port, priority });

describe('compareSrv', () => {
  const stored = servers([
    server(1, {}),
    server(2, { type: 'smtp', name: 'smtp.%EMAILDOMAIN%', port: 587, socket_type: 'STARTTLS' }),
  ]);

  it('passes when every stored server has its record and nothing else is published', () => {
    const published: PublishedService[] = [
      { label: '_imaps', records: [srv('Mail.Example.org.', 993)] },
      { label: '_submission', records: [srv('smtp.example.org', 587)] },
      { label: '_imap', records: null },
      { label: '_pop3', records: [srv('', 0)] },
    ];
    const outcome = compareSrv('example.org', stored, published);
    expect(outcome.findings).toEqual([]);
    expect(outcome.passed).toEqual([
      'DNS _imaps._tcp.example.org SRV matches the stored servers (mail.example.org:993)',
      'DNS _submission._tcp.example.org SRV matches the stored servers (smtp.example.org:587)',
    ]);
  });

  it('warns about a stored server without a record, with the field of the server', () => {
    const outcome = compareSrv('example.org', stored, [
      { label: '_imaps', records: null },
      { label: '_submission', records: [srv('smtp.example.org', 587)] },
    ]);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({
      rule: 'live.dns.srv-missing',
      severity: 'warning',
      clients: ['k9'],
      field: 'servers[0]',
    });
    expect(outcome.findings[0]?.effect).toContain('has no SRV record');
  });

  it('warns about a record pointing at a host or port that is not stored', () => {
    const outcome = compareSrv('example.org', stored, [
      { label: '_imaps', records: [srv('mail.example.org', 993), srv('mail.example.org', 143)] },
      { label: '_pop3s', records: [srv('pop.example.org', 995)] },
    ]);
    expect(outcome.findings.map((finding) => [finding.rule, finding.subject])).toEqual([
      ['live.dns.srv-mismatch', '_imaps._tcp.example.org SRV 0 mail.example.org:143'],
      ['live.dns.srv-mismatch', '_pop3s._tcp.example.org SRV 0 pop.example.org:995'],
    ]);
  });

  it('counts a record on another port of the same host as missing and mismatched', () => {
    const outcome = compareSrv('example.org', stored, [
      { label: '_submission', records: [srv('smtp.example.org', 25)] },
    ]);
    expect(outcome.findings.map((finding) => finding.rule)).toEqual([
      'live.dns.srv-missing',
      'live.dns.srv-mismatch',
    ]);
  });
});

describe('liveServers', () => {
  it('expands %EMAILDOMAIN%, maps the SRV service and leaves out what cannot be reached', () => {
    const view: DomainView = {
      name: 'Example.ORG',
      provider: { id: 1, name: 'Example', short_name: 'Ex' },
      ldapserver: null,
      servers: [
        server(1, { name: 'imap.%EMAILDOMAIN%', socket_type: 'ssl' }),
        server(2, { type: 'pop', port: 110, socket_type: 'STARTTLS' }),
        server(3, { type: 'smtp', port: 70000 }),
        server(4, { type: 'exchange' }),
        server(5, { name: '%EMAILLOCALPART%.example.org' }),
        server(6, { type: 'smtp', socket_type: 'None', port: 25 }),
      ],
      davservers: [],
    };
    const selection = liveServers(view);
    expect(
      selection.map((item) =>
        item.checkable
          ? [item.server.host, item.server.security, item.server.service]
          : item.reason,
      ),
    ).toEqual([
      ['imap.example.org', 'tls', '_imaps'],
      ['mail.example.org', 'starttls', '_pop3'],
      'port 70000 cannot be reached',
      'type "exchange" is not checked',
      'host name "%EMAILLOCALPART%.example.org" depends on the user',
      ['mail.example.org', 'plain', '_submission'],
    ]);
  });

  it('checks Auto as STARTTLS, as clients get it, and only the exact type spellings', () => {
    const view: DomainView = {
      name: 'example.org',
      provider: { id: 1, name: 'Example', short_name: 'Ex' },
      ldapserver: null,
      servers: [
        server(1, { port: 143, socket_type: 'Auto' }),
        server(2, { type: 'smtp', port: 587, socket_type: ' auto ' }),
        server(3, { type: 'IMAP' }),
        server(4, { type: ' pop' }),
        server(5, { socket_type: 'tls' }),
        server(6, { socket_type: 'plain', port: 143 }),
      ],
      davservers: [],
    };
    expect(
      liveServers(view).map((item) =>
        item.checkable ? [item.server.security, item.server.service] : item.reason,
      ),
    ).toEqual([
      ['starttls', '_imap'],
      ['starttls', '_submission'],
      'type "IMAP" is not checked',
      'type " pop" is not checked',
      'socket type "tls" is not known',
      ['plain', '_imap'],
    ]);
  });
});
