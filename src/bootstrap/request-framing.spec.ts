import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { answerConnect, dropUnusableContentType, isMediaType } from './request-framing';

describe(isMediaType.name, () => {
  it.each([
    'text/xml',
    'application/json',
    'TEXT/XML',
    'text/xml; charset=utf-8',
    'text/xml;',
    ' text/xml ',
    'application/vnd.ms-sync.wbxml',
    'text/xml; charset',
  ])('%j is a media type', (value) => expect(isMediaType(value)).toBe(true));

  it.each([
    '',
    ';',
    ' ; ',
    'text',
    'text/',
    '/xml',
    'text /xml',
    'text/ xml',
    'a/b/c',
    '"text/xml"',
  ])('%j is not', (value) => expect(isMediaType(value)).toBe(false));
});

describe(dropUnusableContentType.name, () => {
  it('drops a Content-Type that is not a media type and keeps one that is', () => {
    const bad: Record<string, string> = { 'content-type': ';', host: 'x' };
    dropUnusableContentType(bad);
    expect(bad).toEqual({ host: 'x' });
    const good = { 'content-type': 'text/xml; charset=utf-8' };
    dropUnusableContentType(good);
    expect(good).toEqual({ 'content-type': 'text/xml; charset=utf-8' });
    const none = {};
    dropUnusableContentType(none);
    expect(none).toEqual({});
  });
});

describe(answerConnect.name, () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    answerConnect(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers CONNECT with a short 405 and closes the connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.on('connect', () =>
        socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      );
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answer).toContain('\r\nAllow: GET, HEAD, POST, DELETE, OPTIONS\r\n');
    expect(answer).toContain('\r\nConnection: close\r\n');
    expect(answer.endsWith('\r\n\r\nMethod not allowed')).toBe(true);
    const length = /Content-Length: (\d+)/.exec(answer)?.[1];
    expect(Number(length)).toBe('Method not allowed'.length);
  });
});
