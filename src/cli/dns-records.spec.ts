import type { DavServer, DomainSettings, MailServer } from '../mail-settings/domain-settings';
import {
  davUrl,
  dnsRecords,
  hostName,
  mailService,
  readHost,
  readTtl,
  type DnsOptions,
} from './dns-records';

let nextId = 1;
const mail = (type: string, name: string, port: number, socketType: string, prio = 10) =>
  ({
    id: nextId++,
    prio,
    name,
    port,
    type,
    socketType,
    userName: '%EMAILADDRESS%',
    authentication: 'plain',
  }) satisfies MailServer;

const dav = (type: string, url: string, port = 0, useSsl = true): DavServer => ({
  id: nextId++,
  url,
  port,
  type,
  useSsl,
  domainRequired: true,
  userName: null,
});

function settings(change: Partial<DomainSettings> = {}): DomainSettings {
  return {
    domainId: 1,
    domainName: 'example.com',
    provider: { id: 1, name: 'Example', shortName: 'Example' },
    providerDomains: ['example.com'],
    servers: [],
    davServers: [],
    ldapServer: null,
    ...change,
  };
}

const OPTIONS: DnsOptions = { ttl: 3600, target: null, autodiscoverHost: null };
const records = (lines: string[]) => lines.filter((line) => !line.startsWith(';'));

describe('dnsRecords', () => {
  it('publishes every mail service, "." for those not offered, priorities from prio', () => {
    const lines = dnsRecords(
      settings({
        servers: [
          mail('smtp', 'submission.example.com', 587, 'STARTTLS', 5),
          mail('imap', 'imap.example.com', 993, 'SSL'),
          mail('imap', 'imap2.example.com', 993, 'SSL', 20),
        ],
      }),
      OPTIONS,
    );
    expect(records(lines).slice(0, 7)).toEqual([
      '_imaps._tcp.example.com. 3600 IN SRV 10 1 993 imap.example.com.',
      '_imaps._tcp.example.com. 3600 IN SRV 20 1 993 imap2.example.com.',
      '_imap._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_pop3s._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_pop3._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_submissions._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_submission._tcp.example.com. 3600 IN SRV 5 1 587 submission.example.com.',
    ]);
  });

  it('publishes CalDAV/CardDAV SRV and TXT path=, "." for the variants not offered', () => {
    const lines = dnsRecords(
      settings({
        davServers: [
          dav('caldav', 'https://dav.example.com/calendars/%EMAILADDRESS%/', 443),
          dav('carddav', 'http://carddav.example.com', 0, false),
        ],
      }),
      OPTIONS,
    );
    expect(records(lines).slice(6, 12)).toEqual([
      '_caldavs._tcp.example.com. 3600 IN SRV 0 1 443 dav.example.com.',
      '_caldavs._tcp.example.com. 3600 IN TXT "path=/calendars/"',
      '_caldav._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_carddavs._tcp.example.com. 3600 IN SRV 0 0 0 .',
      '_carddav._tcp.example.com. 3600 IN SRV 0 1 80 carddav.example.com.',
      '_carddav._tcp.example.com. 3600 IN TXT "path=/"',
    ]);
    expect(lines).toContain(
      '; path shortened from "/calendars/%EMAILADDRESS%/" (per-user placeholders do not belong in DNS)',
    );
  });

  it('points _autodiscover._tcp at autodiscover.<domain> or the certified host given', () => {
    expect(records(dnsRecords(settings(), OPTIONS))).toContain(
      '_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 autodiscover.example.com.',
    );
    expect(
      records(dnsRecords(settings(), { ...OPTIONS, autodiscoverHost: 'mail.provider.net' })),
    ).toContain('_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 mail.provider.net.');
  });

  it('writes the CNAMEs for --target, else commented-out lines that say how to set it', () => {
    const withTarget = dnsRecords(settings(), { ...OPTIONS, target: 'automx.provider.net.' });
    expect(records(withTarget).slice(-2)).toEqual([
      'autoconfig.example.com. 3600 IN CNAME automx.provider.net.',
      'autodiscover.example.com. 3600 IN CNAME automx.provider.net.',
    ]);
    const without = dnsRecords(settings(), OPTIONS);
    expect(without.slice(-3)).toEqual([
      '; set the host that serves automx2-nest with --target HOST, then publish:',
      '; autoconfig.example.com. 3600 IN CNAME HOST.',
      '; autodiscover.example.com. 3600 IN CNAME HOST.',
    ]);
    expect(records(without).some((line) => line.includes('CNAME'))).toBe(false);
  });

  it('writes IDN owner names and targets in punycode and uses the TTL given', () => {
    const lines = dnsRecords(
      settings({ domainName: 'Bücher.example', servers: [mail('pop', 'pöp.example', 995, 'SSL')] }),
      { ...OPTIONS, ttl: 300 },
    );
    expect(lines).toContain(
      '_pop3s._tcp.xn--bcher-kva.example. 300 IN SRV 10 1 995 xn--pp-fka.example.',
    );
    expect(lines[0]).toBe(
      '; DNS records for xn--bcher-kva.example (provider "Example"), from the automx2-nest database',
    );
  });

  it('leaves out server types without a service, saying so, and drops duplicate targets', () => {
    const lines = dnsRecords(
      settings({
        servers: [
          mail('INVALID', 'x.example.com', 123, 'STARTTLS'),
          mail('imap', 'imap.example.com', 143, 'STARTTLS'),
          mail('imap', 'imap.example.com', 143, 'STARTTLS', 30),
        ],
      }),
      OPTIONS,
    );
    expect(lines).toContain(
      '; server "x.example.com" of type "INVALID" has no SRV service: left out',
    );
    expect(lines.filter((line) => line.startsWith('_imap._tcp'))).toEqual([
      '_imap._tcp.example.com. 3600 IN SRV 10 1 143 imap.example.com.',
    ]);
  });

  it('expands %EMAILDOMAIN% and clamps priorities to the SRV range', () => {
    const lines = dnsRecords(
      settings({ servers: [mail('smtp', 'smtp.%EMAILDOMAIN%', 465, 'SSL', -5)] }),
      OPTIONS,
    );
    expect(lines).toContain('_submissions._tcp.example.com. 3600 IN SRV 0 1 465 smtp.example.com.');
  });

  it('keeps stored text on one comment line', () => {
    const lines = dnsRecords(
      settings({ provider: { id: 1, name: 'Evil\nexample.com. IN A 1.2.3.4', shortName: 'E' } }),
      OPTIONS,
    );
    expect(lines[0]).toContain('Evil?example.com. IN A 1.2.3.4');
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });
});

describe('mailService', () => {
  it.each([
    ['imap', 'SSL', '_imaps'],
    ['imap', 'STARTTLS', '_imap'],
    ['imap', 'None', '_imap'],
    ['pop', 'SSL', '_pop3s'],
    ['pop', 'plain', '_pop3'],
    ['smtp', 'SSL', '_submissions'],
    ['smtp', 'Auto', '_submission'],
    ['IMAP', 'ssl', '_imaps'],
    ['INVALID', 'SSL', null],
  ])('%s with %s → %s', (type, socketType, expected) => {
    expect(mailService(mail(type, 'h.example', 1, socketType))).toBe(expected);
  });
});

describe('davUrl', () => {
  it('takes the port from the row, else the URL, else the scheme', () => {
    expect(davUrl(dav('caldav', 'https://dav.example.com:8443/x/', 0)).port).toBe(8443);
    expect(davUrl(dav('caldav', 'https://dav.example.com:8443/x/', 9000)).port).toBe(9000);
    expect(davUrl(dav('caldav', 'https://dav.example.com/', 0)).port).toBe(443);
    expect(davUrl(dav('caldav', 'http://dav.example.com/', 0, false)).port).toBe(80);
  });

  it('reads a URL without scheme by use_ssl and cuts the path before per-user parts', () => {
    const url = davUrl(dav('carddav', 'dav.example.com/SOGo/dav/%EMAILLOCALPART%/x', 0, false));
    expect(url).toMatchObject({
      tls: false,
      host: 'dav.example.com.',
      port: 80,
      path: '/SOGo/dav/',
      shortened: true,
    });
  });
});

describe('hostName', () => {
  it('is absolute, lower-case ASCII', () => {
    expect(hostName('Mail.Example.COM')).toBe('mail.example.com.');
    expect(hostName('mail.example.com.')).toBe('mail.example.com.');
    expect(hostName('bücher.example')).toBe('xn--bcher-kva.example.');
  });
});

describe('readTtl and readHost (the options of `dns` and of GET …/dns)', () => {
  it.each([
    ['0', 0],
    ['3600', 3600],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['-1', null],
    ['1e3', null],
    ['', null],
    [' 60', null],
    ['99999999999', null],
  ])('ttl %j → %j', (value, expected) => {
    expect(readTtl(value)).toBe(expected);
  });

  it.each([
    ['autoconfig.example.com', 'autoconfig.example.com'],
    [' host.example. ', 'host.example'],
    ['bücher.example', 'bücher.example'],
    ['', null],
    ['.', null],
    ['a/b', null],
    ['exa mple.com', null],
  ])('host %j → %j', (value, expected) => {
    expect(readHost(value)).toBe(expected);
  });
});
