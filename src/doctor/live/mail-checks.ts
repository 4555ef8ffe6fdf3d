import type { Socket } from 'node:net';
import type { Finding } from '../finding';
import { describeError } from './bounded';
import {
  certificateAdvice,
  certificateProblems,
  expiryNote,
  type CertHolder,
  type CertProblem,
} from './certificate';
import { LineReader } from './line-reader';
import type { LiveContext } from './live-context';
import { DIALECTS, type MailDialect } from './mail-dialects';
import { failed, type CheckOutcome } from './outcome';
import { CLIENTS_OF_TYPE, serverSubject, type LiveServer } from './stored-servers';
import { handshake, openTcp } from './tls-connect';

/**
 * One stored mail server answers as stored: the host resolves, the port accepts; on an
 * SSL port a TLS handshake with a certificate clients accept, then the greeting; on a
 * STARTTLS port the plain greeting, STARTTLS among the capabilities, and the upgrade
 * with an acceptable certificate; otherwise the plain greeting.
 */
export async function mailServerCheck(
  server: LiveServer,
  context: LiveContext,
): Promise<CheckOutcome> {
  const finding = findingFor(server);
  const resolution = await context.resolver.resolveHost(server.host);
  if (!resolution.ok) {
    return failed(
      finding(
        'live.mail.unresolved',
        `servers[${server.index}].name`,
        `${resolution.reason}: clients cannot reach the server.`,
        `Publish ${server.host} in DNS, or correct the server's name.`,
      ),
    );
  }
  const address = resolution.addresses[0] as string;
  let socket: Socket;
  try {
    socket = await openTcp(address, server.port, context.timeoutMs);
  } catch (error) {
    return failed(
      finding(
        'live.mail.unreachable',
        `servers[${server.index}].port`,
        `${server.host} (${address}) port ${server.port}: ${describeError(error)}. Clients cannot connect.`,
        'Start the service on that port and open the firewall, or correct the stored port.',
      ),
    );
  }
  const findings: Finding[] = [];
  const notes: string[] = [];
  try {
    const dialect = DIALECTS[server.type];
    if (server.security === 'tls') {
      const secured = await upgrade(
        server,
        address,
        socket,
        context,
        findings,
        notes,
        'on connect',
      );
      if (!secured) return { findings, passed: [] };
      socket = secured;
    }
    const reader = new LineReader(socket);
    const greeting = await reader.reply(
      dialect.greetingComplete,
      context.timeoutMs,
      `${dialect.name} greeting`,
    );
    if (!dialect.greetingOk(greeting)) {
      findings.push(
        finding(
          'live.mail.greeting',
          `servers[${server.index}].port`,
          `The server on port ${server.port} does not greet as an ${dialect.name} server (expected a first line starting with ${dialect.greetingExpected}): clients give up.`,
          `Check that port ${server.port} runs ${dialect.name}${server.security === 'tls' ? ' over implicit TLS' : ''}, or correct the stored port and socket type.`,
        ),
      );
      return { findings, passed: [] };
    }
    if (server.security === 'starttls') {
      const upgraded = await startTls(
        server,
        address,
        socket,
        reader,
        dialect,
        greeting,
        context,
        findings,
        notes,
      );
      if (!upgraded) return { findings, passed: [] };
      socket = upgraded;
    } else {
      reader.send(dialect.quitCommand);
    }
    if (findings.some((item) => item.severity === 'error')) return { findings, passed: [] };
    const how =
      server.security === 'tls'
        ? 'over TLS'
        : server.security === 'starttls'
          ? 'with STARTTLS'
          : 'in plain text';
    return {
      findings,
      passed: [
        `${dialect.name} ${server.host}:${server.port} (server ${server.index + 1}) answers ${how}${notes.length > 0 ? `, ${notes.join(', ')}` : ''}`,
      ],
    };
  } catch (error) {
    findings.push(
      finding(
        'live.mail.greeting',
        `servers[${server.index}].port`,
        `${server.host}:${server.port}: ${describeError(error)}. Clients give up.`,
        `Check that port ${server.port} runs ${DIALECTS[server.type].name} as stored (socket type ${server.view.socket_type}).`,
      ),
    );
    return { findings, passed: [] };
  } finally {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}

async function startTls(
  server: LiveServer,
  address: string,
  socket: Socket,
  reader: LineReader,
  dialect: MailDialect,
  greeting: readonly string[],
  context: LiveContext,
  findings: Finding[],
  notes: string[],
): Promise<Socket | null> {
  const finding = findingFor(server);
  reader.send(dialect.capabilityCommand);
  const capabilities = await reader.reply(
    dialect.capabilityComplete,
    context.timeoutMs,
    `${dialect.name} ${dialect.capabilityCommand.split(' ')[1] ?? dialect.capabilityCommand}`,
  );
  if (!dialect.offersStartTls([...greeting, ...capabilities])) {
    findings.push(
      finding(
        'live.mail.no-starttls',
        `servers[${server.index}].socket_type`,
        `The server on port ${server.port} does not offer STARTTLS: clients set up for STARTTLS refuse to send the password in plain text and fail.`,
        `Enable STARTTLS on the server, or store the socket type the port really speaks.`,
      ),
    );
    reader.send(dialect.quitCommand);
    return null;
  }
  reader.send(dialect.startTlsCommand);
  const answer = await reader.reply(
    dialect.startTlsComplete,
    context.timeoutMs,
    `${dialect.name} ${dialect.startTlsCommand}`,
  );
  if (!dialect.startTlsOk(answer)) {
    findings.push(
      finding(
        'live.mail.starttls-refused',
        `servers[${server.index}].socket_type`,
        `The server offers STARTTLS but does not accept the command (expected ${dialect.startTlsExpected}): clients fail.`,
        'Check the TLS configuration (certificate and key) of the mail server.',
      ),
    );
    return null;
  }
  reader.detach();
  return upgrade(server, address, socket, context, findings, notes, 'after STARTTLS');
}

/** The TLS handshake; problems with it or the certificate become findings. */
async function upgrade(
  server: LiveServer,
  address: string,
  socket: Socket,
  context: LiveContext,
  findings: Finding[],
  notes: string[],
  when: string,
): Promise<Socket | null> {
  const finding = findingFor(server);
  try {
    const secured = await handshake(
      { host: server.host, address, port: server.port, socket },
      context.trust,
      context.timeoutMs,
    );
    const problems = certificateProblems(
      server.host,
      secured.socket.getPeerCertificate(),
      secured.authorizationError,
      context.now,
    );
    findings.push(...problems.map((problem) => certificateFinding(server, problem)));
    if (problems.length === 0)
      notes.push(`certificate valid (${expiryNote(secured.socket.getPeerCertificate())})`);
    return secured.socket;
  } catch (error) {
    findings.push(
      finding(
        'live.mail.tls-handshake',
        `servers[${server.index}].socket_type`,
        `${server.host}:${server.port} ${when}: ${describeError(error)}. Clients cannot start TLS.`,
        server.security === 'tls'
          ? 'Check that the port speaks implicit TLS (a STARTTLS port needs socket type STARTTLS) and its TLS configuration.'
          : "Check the mail server's TLS configuration.",
      ),
    );
    socket.destroy();
    return null;
  }
}

/** Mail clients connect to the stored host name. */
const MAIL_HOLDER: CertHolder = {
  refusal: 'refuse the connection',
  server: 'the mail server',
  nameFix:
    'Serve a certificate that covers the stored host name, or store a name the certificate covers.',
};

function certificateFinding(server: LiveServer, problem: CertProblem): Finding {
  const text = certificateAdvice(problem.kind, MAIL_HOLDER);
  return {
    rule: `live.mail.${problem.kind}`,
    severity: problem.kind === 'expiring' ? 'warning' : 'error',
    clients: CLIENTS_OF_TYPE[server.type],
    subject: serverSubject(server),
    ...(problem.kind === 'name-mismatch' && { field: `servers[${server.index}].name` }),
    effect: `${server.host}:${server.port}: ${problem.detail}; ${text.effect}.`,
    fix: text.fix,
  };
}

function findingFor(server: LiveServer) {
  return (rule: string, field: string | undefined, effect: string, fix: string): Finding => ({
    rule,
    severity: 'error',
    clients: CLIENTS_OF_TYPE[server.type],
    subject: serverSubject(server),
    ...(field !== undefined && { field }),
    effect,
    fix,
  });
}
