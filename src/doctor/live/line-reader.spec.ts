import { connect, createServer, type Server, type Socket } from 'node:net';
import { LineReader, MAX_REPLY_BYTES } from './line-reader';

/** A loopback server that runs `speak` on each connection; the client socket. */
async function pair(speak: (socket: Socket) => void): Promise<{ server: Server; client: Socket }> {
  const server = createServer(speak);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const client = connect({ host: '127.0.0.1', port });
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('connect', resolve));
  return { server, client };
}

describe('LineReader', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  it('collects lines split across packets until the reply is complete', async () => {
    const { server, client } = await pair((socket) => {
      socket.write('250-a\r');
      setTimeout(() => socket.write('\n250 b\r\n'), 20);
    });
    servers.push(server);
    const reader = new LineReader(client);
    await expect(
      reader.reply((lines) => /^250 /.test(lines[lines.length - 1] ?? ''), 2000, 'EHLO'),
    ).resolves.toEqual(['250-a', '250 b']);
    client.destroy();
  });

  it('gives up on a reply longer than the bound', async () => {
    const { server, client } = await pair((socket) => {
      socket.on('error', () => undefined);
      socket.write('x'.repeat(MAX_REPLY_BYTES + 10));
    });
    servers.push(server);
    const reader = new LineReader(client);
    await expect(reader.reply(() => false, 2000, 'greeting')).rejects.toThrow(
      `greeting: reply longer than ${MAX_REPLY_BYTES} bytes`,
    );
  });

  it('stops a server that floods while no reply is awaited (after QUIT)', async () => {
    let written = 0;
    let peer: Socket | undefined;
    const { server, client } = await pair((socket) => {
      peer = socket;
      socket.on('error', () => undefined);
      socket.write('* OK ready\r\n');
      // Keeps writing until the reader hangs up (or far more than the bound was sent).
      const flood = (): void => {
        while (!socket.destroyed && written < 64 * MAX_REPLY_BYTES) {
          written += 1024;
          if (!socket.write(`${'x'.repeat(1022)}\r\n`)) {
            socket.once('drain', flood);
            return;
          }
        }
      };
      setTimeout(flood, 20);
    });
    servers.push(server);
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    try {
      const reader = new LineReader(client);
      await expect(reader.reply((lines) => lines.length > 0, 2000, 'greeting')).resolves.toEqual([
        '* OK ready',
      ]);
      reader.send('D3 LOGOUT');
      // Nobody awaits a reply any more: the reader itself ends the connection.
      expect(await closed).toBe(true);
      expect(client.bytesRead).toBeLessThan(8 * MAX_REPLY_BYTES);
      await expect(reader.reply(() => true, 2000, 'LOGOUT')).rejects.toThrow(
        `LOGOUT: reply longer than ${MAX_REPLY_BYTES} bytes`,
      );
    } finally {
      client.destroy();
      peer?.destroy();
    }
  });

  it('gives up when the server is silent or closes', async () => {
    const silent = await pair(() => undefined);
    servers.push(silent.server);
    await expect(new LineReader(silent.client).reply(() => true, 100, 'greeting')).rejects.toThrow(
      'greeting: no answer within 100 ms',
    );
    const closing = await pair((socket) => socket.end('* OK partial'));
    servers.push(closing.server);
    await expect(
      new LineReader(closing.client).reply(() => true, 2000, 'greeting'),
    ).rejects.toThrow('greeting: the server closed the connection');
  });
});
