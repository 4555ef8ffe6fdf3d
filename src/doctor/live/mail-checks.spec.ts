import { createServer, type Server, type Socket } from 'node:net';
import type { DomainView } from '../../admin/admin-store';
import type { LiveContext } from './live-context';
import { mailServerCheck } from './mail-checks';
import { LiveResolver } from './resolver';
import { liveServers, type LiveServer } from './stored-servers';
import { loadTrust } from './tls-connect';

const open = new Set<Socket>();

/** A loopback IMAP-ish server: `answer` maps each command line to the reply it gets. */
async function imapServer(
  greeting: string,
  answer: (line: string) => string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    socket.write(greeting);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        socket.write(answer(line));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: address && typeof address === 'object' ? address.port : 0 };
}

function storedServer(port: number, socketType: string): LiveServer {
  const view: DomainView = {
    name: 'example.test',
    provider: { id: 1, name: 'Example', short_name: 'Ex' },
    ldapserver: null,
    servers: [
      {
        id: 1,
        type: 'imap',
        name: '127.0.0.1',
        port,
        socket_type: socketType,
        user_name: '%EMAILADDRESS%',
        authentication: 'plain',
        prio: 1,
      },
    ],
    davservers: [],
  };
  const [selected] = liveServers(view);
  if (!selected?.checkable) throw new Error('the server is not checkable');
  return selected.server;
}

const context: LiveContext = {
  // The host is an address: no DNS server is asked.
  resolver: new LiveResolver(['127.0.0.1:9'], 1000),
  trust: loadTrust(null),
  timeoutMs: 1000,
  now: new Date(),
};

describe('mailServerCheck never repeats what the server said', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        open.forEach((socket) => socket.destroy());
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  });

  it('names the greeting it expected, not the banner it got', async () => {
    const { server, port } = await imapServer('SSH-2.0-SECRET internal banner\r\n', () => '');
    servers.push(server);
    const outcome = await mailServerCheck(storedServer(port, 'None'), context);
    expect(outcome.findings.map((finding) => finding.rule)).toEqual(['live.mail.greeting']);
    const [finding] = outcome.findings;
    expect(finding?.effect).toContain('"* OK" or "* PREAUTH"');
    expect(JSON.stringify(outcome)).not.toContain('SECRET');
  });

  it('names the STARTTLS answer it expected, not the refusal it got (Auto is STARTTLS)', async () => {
    const { server, port } = await imapServer(
      '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n',
      (line) =>
        line.startsWith('D1 ')
          ? '* CAPABILITY IMAP4rev1 STARTTLS\r\nD1 OK done\r\n'
          : line.startsWith('D2 ')
            ? 'D2 NO SECRET internal detail\r\n'
            : '',
    );
    servers.push(server);
    const outcome = await mailServerCheck(storedServer(port, 'Auto'), context);
    expect(outcome.findings.map((finding) => finding.rule)).toEqual(['live.mail.starttls-refused']);
    expect(outcome.findings[0]?.effect).toContain('"D2 OK"');
    expect(JSON.stringify(outcome)).not.toContain('SECRET');
  });
});
