import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { DomainView, ServerView } from '../../admin/admin-store';
import { liveFindings } from './live-checks';

describe('liveFindings', () => {
  it('never rejects, even for a view it cannot read', async () => {
    const options = { dnsServers: ['127.0.0.1:9'], caFile: null, httpsPort: 9, timeoutMs: 200 };
    const broken = {
      name: 'example.test',
      provider: { id: 1, name: 'Example', short_name: 'Ex' },
      ldapserver: null,
      servers: null,
      davservers: [],
    } as unknown as DomainView; // a view the types rule out, as a failing caller might pass
    const report = await liveFindings(broken, options);
    expect(report.passed).toEqual([]);
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'live.check-failed',
        severity: 'warning',
        subject: 'domain example.test',
      }),
    ]);
    const nothing = await liveFindings(null as unknown as DomainView, options);
    expect(nothing.findings.map((finding) => finding.rule)).toEqual(['live.check-failed']);
  });

  describe('against servers that never answer', () => {
    let dns: UdpSocket;
    let tcp: Server;
    const held = new Set<Socket>();
    let dnsPort = 0;
    let tcpPort = 0;

    beforeAll(async () => {
      dns = createSocket('udp4');
      await new Promise<void>((resolve) => dns.bind(0, '127.0.0.1', resolve));
      dnsPort = dns.address().port;
      tcp = createServer((socket) => {
        held.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const address = tcp.address();
      tcpPort = address && typeof address === 'object' ? address.port : 0;
    });

    afterAll(async () => {
      held.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => dns.close(() => resolve()));
    });

    it('gives up the whole run at its deadline, started checks and waiting ones alike', async () => {
      const servers: ServerView[] = Array.from({ length: 10 }, (_, index) => ({
        id: index + 1,
        type: 'imap',
        name: '127.0.0.1',
        port: tcpPort,
        socket_type: 'STARTTLS',
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: index,
      }));
      const started = Date.now();
      const report = await liveFindings(
        {
          name: 'silent.test',
          provider: { id: 1, name: 'Silent', short_name: 'Silent' },
          ldapserver: null,
          servers,
          davservers: [],
        },
        {
          dnsServers: [`127.0.0.1:${dnsPort}`],
          caFile: null,
          httpsPort: tcpPort,
          timeoutMs: 1000,
          deadlineMs: 300,
        },
      );
      // A hang guard, not a speed check: well before a single network timeout.
      expect(Date.now() - started).toBeLessThan(900);
      expect(report.passed).toEqual([]);
      // DNS, two HTTPS names and ten servers: more than run at once.
      expect(report.findings).toHaveLength(13);
      for (const finding of report.findings) {
        expect(finding).toMatchObject({ rule: 'live.check-failed', severity: 'warning' });
        expect(finding.effect).toContain('the live checks stop after 0.3 s');
      }
      expect(report.findings.map((finding) => finding.subject)).toEqual([
        'DNS records of silent.test',
        `autoconfig.silent.test:${tcpPort}`,
        `autodiscover.silent.test:${tcpPort}`,
        ...servers.map((_, index) => `server ${index + 1} (127.0.0.1:${tcpPort}, imap STARTTLS)`),
      ]);
    });
  });
});
