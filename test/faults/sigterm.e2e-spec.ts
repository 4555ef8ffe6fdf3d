import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { HttpAdapterName } from '../../src/config/app-config';
import { ensureBuilt } from '../support/dist';
import { parseResponses } from '../support/raw-http';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { firstPassOnly } from '../support/adapter-pass';
import { outlookRequestXml } from '../support/fixtures';

/** This file covers both adapters itself: the Express re-run of `npm test` skips it. */
const describeOnce = firstPassOnly();

/**
 * SIGTERM under load (issue 7, item 4d), on the compiled server and both adapters:
 * requests the server had received finish with a complete answer, new connections are
 * refused, and the process exits 0 within 10 s.
 *
 * Two kinds of traffic run when the signal arrives:
 * - 20 keep-alive clients sending autoconfig requests back to back;
 * - 5 Autodiscover POSTs whose headers and half their body were sent before the
 *   signal and whose body is finished after it: certainly in flight, they must get 200.
 *
 * A load client may also see ECONNRESET before any byte of an answer, in two cases
 * where the server never read its request: it wrote the request onto a keep-alive
 * connection the server was closing as idle at that moment (Node reports it on a
 * `reusedSocket`, the case HTTP clients retry), or its new connection was still in the
 * kernel's accept queue when the listener closed (the kernel resets those; under this
 * load accepting takes a few hundred milliseconds). A reset after the answer began, a
 * truncated answer, a status other than 200/503 or a timeout counts as a failure.
 */

const ADAPTERS = ['fastify', 'express'] as const satisfies readonly HttpAdapterName[];
const EXIT_BOUND_MS = 10_000;
const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=user%40example.com';
const OUTLOOK_REQUEST = outlookRequestXml('user@example.com');

type Outcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly afterSignal: boolean;
      /** The Connection header, and when the answer's headers arrived (ms since epoch). */
      readonly connection?: string;
      readonly at?: number;
    }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly reusedSocket: boolean;
      readonly afterResponse: boolean;
      readonly afterSignal: boolean;
    };

function get(url: string, agent: Agent, signalled: () => boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    let afterResponse = false;
    const fail = (code: string) =>
      resolve({
        kind: 'error',
        code,
        reusedSocket: req.reusedSocket,
        afterResponse,
        afterSignal: signalled(),
      });
    const req = httpRequest(url, { agent, timeout: 10_000 }, (res) => {
      afterResponse = true;
      const at = Date.now();
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () => {
        const declared = Number(res.headers['content-length'] ?? length);
        if (length !== declared) fail('TRUNCATED');
        else
          resolve({
            kind: 'answer',
            status: res.statusCode ?? 0,
            afterSignal: signalled(),
            connection: res.headers.connection,
            at,
          });
      });
      res.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    req.end();
  });
}

/** An Autodiscover POST with its headers and half its body sent; `finish` sends the rest. */
interface HalfSent {
  readonly finish: () => void;
  readonly response: Promise<{ readonly data: Buffer; readonly error: string | null }>;
}

function halfSentPost(port: number, keepAlive = false): Promise<HalfSent> {
  const body = Buffer.from(OUTLOOK_REQUEST, 'utf8');
  const half = Math.floor(body.length / 2);
  return new Promise((resolveSent, rejectSent) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const response = new Promise<{ data: Buffer; error: string | null }>((resolve) => {
      let error: string | null = null;
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', (cause: NodeJS.ErrnoException) => (error = cause.code ?? cause.message));
      socket.on('close', () => resolve({ data: Buffer.concat(received), error }));
    });
    socket.once('error', rejectSent);
    socket.on('connect', () => {
      socket.write(
        'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.example.com\r\n' +
          `Content-Type: text/xml\r\nContent-Length: ${body.length}\r\n` +
          (keepAlive ? '\r\n' : 'Connection: close\r\n\r\n'),
      );
      socket.write(body.subarray(0, half), () => {
        socket.off('error', rejectSent);
        resolveSent({ finish: () => socket.write(body.subarray(half)), response });
      });
    });
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeOnce.each(ADAPTERS)('SIGTERM under load on %s', (adapter) => {
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServerProcess({
      db_uri: 'sqlite:///:memory:',
      http_adapter: adapter,
      loglevel: 'WARNING',
    });
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
  });

  it('finishes in-flight requests, refuses new connections and exits 0 within 10 s', async () => {
    if (!server) throw new Error('server not started');
    const { url, port } = server;
    const prepared = await get(`${url}/initdb/`, new Agent(), () => false);
    expect(prepared).toMatchObject({ kind: 'answer', status: 200, afterSignal: false });

    let signalled = false;
    const isSignalled = () => signalled;
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const outcomes: Outcome[] = [];
    const worker = async () => {
      for (;;) {
        const outcome = await get(`${url}${AUTOCONFIG}`, agent, isSignalled);
        outcomes.push(outcome);
        if (outcome.kind === 'error' && outcome.code === 'ECONNREFUSED') return;
        if (outcomes.length > 200_000) return;
      }
    };
    // Sent while the server is idle, so it has surely accepted them and read their
    // headers before the load starts (under load, accepting takes a while).
    // Two of them on keep-alive connections: their answers must close the connection.
    const inFlight = await Promise.all(
      Array.from({ length: 5 }, (_, index) => halfSentPost(port, index < 2)),
    );
    await sleep(300);
    const workers = Array.from({ length: 20 }, () => worker());
    await sleep(500);

    const signalledAt = Date.now();
    signalled = true;
    server.child.kill('SIGTERM');
    // The listener closes at once: new connections are refused while the in-flight
    // requests still hold the process.
    let refusedWhileDraining = false;
    for (let i = 0; i < 40 && !refusedWhileDraining; i += 1) {
      await sleep(25);
      refusedWhileDraining = await refused(port);
    }
    expect(server.running()).toBe(true);
    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((request) => request.response));

    const exit = await Promise.race([
      server.exited,
      sleep(EXIT_BOUND_MS).then(() => 'still running' as const),
    ]);
    const exitedAfterMs = Date.now() - signalledAt;
    await Promise.all(workers);
    agent.destroy();

    expect(refusedWhileDraining).toBe(true);
    for (const { data, error } of answers) {
      expect(error).toBeNull();
      const [response] = parseResponses(data);
      expect(response?.statusCode).toBe(200);
      expect(response?.body.toString('utf8')).toContain('</Autodiscover>');
      expect(response?.headers.get('connection')).toEqual(['close']);
    }
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(EXIT_BOUND_MS);

    const before = outcomes.filter((outcome) => !outcome.afterSignal);
    const after = outcomes.filter((outcome) => outcome.afterSignal);
    expect(before.length).toBeGreaterThan(50);
    expect(before.filter((outcome) => outcome.kind !== 'answer' || outcome.status !== 200)).toEqual(
      [],
    );
    const unexpected = after.filter(
      (outcome) =>
        !(
          (outcome.kind === 'answer' && [200, 503].includes(outcome.status)) ||
          (outcome.kind === 'error' && outcome.code === 'ECONNREFUSED') ||
          (outcome.kind === 'error' && outcome.code === 'ECONNRESET' && !outcome.afterResponse)
        ),
    );
    expect(unexpected).toEqual([]);
    // Draining: answers sent once the server has seen the signal close their connection,
    // so no client writes a request onto a connection that is closing. The server's own
    // log line says when it began (the clock is this machine's); answers that arrive
    // within 250 ms of it may have been written just before.
    const drainLine = /^(\S+) \S+ \[Main\] SIGTERM: finishing/m.exec(server.stderr());
    expect(drainLine).not.toBeNull();
    const drainAt = Date.parse(drainLine?.[1] ?? '');
    const late = after.filter(
      (outcome) => outcome.kind === 'answer' && (outcome.at ?? 0) > drainAt + 250,
    );
    expect(
      late.filter((outcome) => outcome.kind === 'answer' && outcome.connection !== 'close'),
    ).toEqual([]);
    const resets = after.filter((o) => o.kind === 'error' && o.code === 'ECONNRESET');
    // Open connections may still deliver their next request while draining, so clients
    // writing back to back are not reset (20 of 20 were before); besides the kernel's
    // accept-queue resets described above, only a client too slow to send anything for
    // the whole grace time (possible on a loaded machine) can meet a closing connection.
    expect(resets.filter((o) => o.kind === 'error' && o.reusedSocket).length).toBeLessThanOrEqual(
      2,
    );
    // Every client ended on a refused connection: nothing hung.
    expect(after.filter((o) => o.kind === 'error' && o.code === 'ECONNREFUSED')).toHaveLength(20);
    expect(server.stderr()).toContain('SIGTERM: finishing in-flight requests');
    expect(server.stderr()).not.toMatch(/\b(ERROR|CRITICAL)\b/);
  });
});
