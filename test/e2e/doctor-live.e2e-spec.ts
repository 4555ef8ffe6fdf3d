/**
 * The doctor's live checks against real local parts: a DNS server on loopback (dns2)
 * answering the test zone, an HTTPS listener with test certificates, a real Dovecot and
 * a tiny IMAP listener (test/support/doctor-zone.ts). Also: a DNS server that never
 * answers and a port that accepts but never speaks end within a bounded time.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { DomainView } from '../../src/admin/admin-store';
import { liveFindings } from '../../src/doctor/live/live-checks';
import type { LiveCheckOptions } from '../../src/doctor/live/live-options';
import { BROKEN_RULES, startDoctorZone, type DoctorZone } from '../support/doctor-zone';
import { describeWith } from '../support/services';
import { startSlapd, type SlapdInstance } from '../support/slapd';

describeWith('dovecot')('doctor live checks (dns2 zone, test CA, Dovecot)', () => {
  let zone: DoctorZone;
  let options: LiveCheckOptions;

  beforeAll(async () => {
    zone = await startDoctorZone();
    options = {
      dnsServers: [zone.dnsServer],
      caFile: zone.caFile,
      httpsPort: zone.httpsPort,
      timeoutMs: 2000,
    };
  }, 60_000);

  afterAll(async () => {
    await zone?.stop();
  });

  it('finds nothing wrong with the healthy domain and lists every passed check', async () => {
    const report = await liveFindings(zone.healthyView, options);
    expect(report.findings).toEqual([]);
    const h = zone.healthyDomain;
    const lines = report.passed.join('\n');
    for (const expected of [
      `DNS autoconfig.${h} resolves (127.0.0.1)`,
      `DNS autodiscover.${h} resolves (127.0.0.1)`,
      `DNS _autodiscover._tcp.${h} SRV present`,
      `DNS ${h} MX present (mail.${h})`,
      `DNS _imaps._tcp.${h} SRV matches the stored servers`,
      `DNS _imap._tcp.${h} SRV matches`,
      `DNS _pop3s._tcp.${h} SRV matches`,
      `DNS _pop3._tcp.${h} SRV matches`,
      `DNS _submissions._tcp.${h} SRV matches`,
      `DNS _submission._tcp.${h} SRV matches`,
      `TLS autoconfig.${h}:${zone.httpsPort} certificate verifies and covers the name`,
      `TLS autodiscover.${h}:${zone.httpsPort} certificate verifies and covers the name`,
    ]) {
      expect(lines).toContain(expected);
    }
    const mail = report.passed.filter((line) => /^(IMAP|POP3|SMTP) /.test(line));
    expect(mail).toHaveLength(6);
    expect(
      mail.filter((line) => line.includes('answers over TLS, certificate valid')),
    ).toHaveLength(3);
    expect(
      mail.filter((line) => line.includes('answers with STARTTLS, certificate valid')),
    ).toHaveLength(3);
  });

  it('reports exactly the documented problems of the broken domain', async () => {
    const report = await liveFindings(zone.brokenView, options);
    const rules = report.findings.map((finding) => finding.rule).sort();
    expect(rules).toEqual([...BROKEN_RULES]);
    const byRule = new Map(report.findings.map((finding) => [finding.rule, finding]));
    const b = zone.brokenDomain;
    expect(byRule.get('live.dns.autodiscover')).toMatchObject({
      severity: 'error',
      subject: `autodiscover.${b}`,
    });
    expect(byRule.get('live.dns.srv-mismatch')?.subject).toContain(`old.${b}:993`);
    expect(byRule.get('live.dns.srv-missing')).toMatchObject({ field: 'servers[1]' });
    expect(byRule.get('live.tls.expired')).toMatchObject({
      severity: 'error',
      clients: ['thunderbird', 'k9'],
    });
    expect(byRule.get('live.mail.name-mismatch')).toMatchObject({
      severity: 'error',
      field: 'servers[0].name',
    });
    expect(byRule.get('live.mail.no-starttls')).toMatchObject({ field: 'servers[1].socket_type' });
    expect(byRule.get('live.mail.unreachable')?.effect).toContain('connection refused');
    expect(byRule.get('live.mail.unresolved')).toMatchObject({ field: 'servers[3].name' });
    for (const finding of report.findings) {
      expect(finding.effect.length).toBeGreaterThan(10);
      expect(finding.fix.length).toBeGreaterThan(10);
    }
    // What does work is still reported as passed.
    expect(report.passed.join('\n')).toContain(`DNS autoconfig.${b} resolves`);
  });

  it('warns about a certificate expiring within 14 days (judged by the given clock)', async () => {
    const inTwentyDays = new Date(Date.now() + 20 * 86_400_000);
    const report = await liveFindings(zone.healthyView, { ...options, now: () => inTwentyDays });
    const rules = new Set(report.findings.map((finding) => finding.rule));
    expect([...rules].sort()).toEqual(['live.mail.expiring', 'live.tls.expiring']);
    expect(report.findings.every((finding) => finding.severity === 'warning')).toBe(true);
  });

  it('says which certificates clients will not trust without the test CA', async () => {
    const report = await liveFindings(zone.healthyView, { ...options, caFile: null });
    const rules = new Set(report.findings.map((finding) => finding.rule));
    expect([...rules].sort()).toEqual(['live.mail.untrusted', 'live.tls.untrusted']);
  });

  it('turns an unusable DNS server option or CA file into findings, never an exception', async () => {
    const bad = await liveFindings(zone.healthyView, {
      ...options,
      dnsServers: ['not an address'],
    });
    expect(bad.findings.map((finding) => finding.rule)).toEqual(['live.dns.servers']);
    const noCa = await liveFindings(zone.healthyView, {
      ...options,
      caFile: '/nonexistent/ca.pem',
    });
    expect(noCa.findings.map((finding) => finding.rule)).toContain('live.tls.ca-file');
  });
});

describe('doctor live checks against silent servers', () => {
  let silentDns: UdpSocket;
  let silentTcp: Server;
  const held = new Set<Socket>();
  let dnsPort = 0;
  let tcpPort = 0;

  beforeAll(async () => {
    silentDns = createSocket('udp4');
    await new Promise<void>((resolve) => silentDns.bind(0, '127.0.0.1', resolve));
    dnsPort = silentDns.address().port;
    silentTcp = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silentTcp.listen(0, '127.0.0.1', resolve));
    const address = silentTcp.address();
    tcpPort = address && typeof address === 'object' ? address.port : 0;
  });

  afterAll(async () => {
    held.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silentTcp.close(() => resolve()));
    await new Promise<void>((resolve) => silentDns.close(() => resolve()));
  });

  const view = (servers: DomainView['servers']): DomainView => ({
    name: 'silent.test',
    provider: { id: 1, name: 'Silent', short_name: 'Silent' },
    ldapserver: {
      id: 1,
      name: '127.0.0.1',
      port: tcpPort,
      use_ssl: false,
      search_base: 'dc=silent,dc=test',
      search_filter: '(mail={0})',
      attr_uid: 'uid',
      attr_cn: null,
      bind_user: 'cn=reader,dc=silent,dc=test',
      bind_password: 'secret',
    },
    servers,
    davservers: [],
  });

  it('ends within a bounded time when the DNS server never answers', async () => {
    const started = Date.now();
    const report = await liveFindings(
      view([
        {
          id: 1,
          type: 'imap',
          name: 'mail.silent.test',
          port: 993,
          socket_type: 'SSL',
          user_name: '%EMAILADDRESS%',
          authentication: 'plain',
          prio: 1,
        },
      ]),
      { dnsServers: [`127.0.0.1:${dnsPort}`], caFile: null, httpsPort: 443, timeoutMs: 500 },
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const rules = report.findings.map((finding) => finding.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'live.dns.autoconfig',
        'live.dns.autodiscover',
        'live.mail.unresolved',
      ]),
    );
    expect(
      report.findings.find((finding) => finding.rule === 'live.dns.autoconfig')?.effect,
    ).toMatch(/no answer within 500 ms/);
  });

  it('ends within a bounded time when a port accepts but never speaks', async () => {
    const started = Date.now();
    const servers = (['imap', 'pop', 'smtp'] as const).flatMap((type, index) =>
      (['SSL', 'STARTTLS', 'plain'] as const).map((socket_type, offset) => ({
        id: index * 3 + offset + 1,
        type,
        name: '127.0.0.1',
        port: tcpPort,
        socket_type,
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: index * 3 + offset,
      })),
    );
    const report = await liveFindings(view(servers), {
      dnsServers: [`127.0.0.1:${dnsPort}`],
      caFile: null,
      httpsPort: tcpPort,
      timeoutMs: 500,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const mail = report.findings.filter((finding) => finding.rule.startsWith('live.mail.'));
    expect(mail).toHaveLength(9);
    expect(mail.filter((finding) => finding.rule === 'live.mail.tls-handshake')).toHaveLength(3);
    expect(mail.filter((finding) => finding.rule === 'live.mail.greeting')).toHaveLength(6);
    expect(report.findings.map((finding) => finding.rule)).toContain('live.ldap.unreachable');
  });
});

describeWith('slapd')('doctor live checks of the LDAP server (real slapd)', () => {
  let slapd: SlapdInstance;
  beforeAll(async () => {
    slapd = await startSlapd();
  }, 60_000);
  afterAll(async () => {
    await slapd?.stop();
  });

  const run = (change: Partial<NonNullable<DomainView['ldapserver']>>, caFile: string | null) =>
    liveFindings(
      {
        name: 'example.com',
        provider: { id: 1, name: 'Example', short_name: 'Ex' },
        ldapserver: {
          id: 1,
          name: '127.0.0.1',
          port: slapd.securePort,
          use_ssl: true,
          search_base: slapd.baseDn,
          search_filter: '(mail={0})',
          attr_uid: 'uid',
          attr_cn: 'cn',
          bind_user: slapd.bindDn,
          bind_password: slapd.bindPassword,
          ...change,
        },
        servers: [],
        davservers: [],
      },
      // The system resolver is not asked: the LDAP host is an address.
      { dnsServers: ['127.0.0.1:9'], caFile, httpsPort: 9, timeoutMs: 1000 },
    );
  const ldapRules = (report: Awaited<ReturnType<typeof liveFindings>>) =>
    report.findings
      .filter((finding) => finding.rule.startsWith('live.ldap.'))
      .map((finding) => finding.rule);

  it('passes a bind and a search over LDAPS and plain LDAP', async () => {
    const secure = await run({}, slapd.caFile);
    expect(ldapRules(secure)).toEqual([]);
    expect(secure.passed).toContain(
      `LDAP 127.0.0.1:${slapd.securePort} binds and searches under ${slapd.baseDn}`,
    );
    const plain = await run({ port: slapd.port, use_ssl: false }, null);
    expect(ldapRules(plain)).toEqual([]);
  });

  it('reports a refused bind, a bad search base, an untrusted certificate and a closed port', async () => {
    expect(ldapRules(await run({ bind_password: 'wrong' }, slapd.caFile))).toEqual([
      'live.ldap.bind',
    ]);
    expect(ldapRules(await run({ search_base: 'dc=nowhere,dc=invalid' }, slapd.caFile))).toEqual([
      'live.ldap.search',
    ]);
    expect(ldapRules(await run({}, slapd.otherCaFile))).toEqual(['live.ldap.unreachable']);
    expect(ldapRules(await run({ port: 9 }, slapd.caFile))).toEqual(['live.ldap.unreachable']);
  });

  it('binds but sends no search for a filter that does not parse (ldap.invalid-filter says it)', async () => {
    const report = await run({ search_filter: '(mail={0}' }, slapd.caFile);
    expect(ldapRules(report)).toEqual([]);
    expect(report.passed).toContain(
      `LDAP 127.0.0.1:${slapd.securePort} binds (search not run: the stored search_filter does not parse, see ldap.invalid-filter)`,
    );
    // Without a bind user the connection is still checked, by an anonymous bind.
    const anonymous = await run(
      { search_filter: '(mail={0}', bind_user: null, bind_password: null, port: 9 },
      slapd.caFile,
    );
    expect(ldapRules(anonymous)).toEqual(['live.ldap.unreachable']);
  });
});
