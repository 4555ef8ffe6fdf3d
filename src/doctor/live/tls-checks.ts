import type { ClientId, Finding } from '../finding';
import { describeError } from './bounded';
import {
  certificateAdvice,
  certificateProblems,
  expiryNote,
  type CertHolder,
  type CertProblem,
} from './certificate';
import type { LiveContext } from './live-context';
import { failed, passed, type CheckOutcome } from './outcome';
import { handshake, openTcp } from './tls-connect';

/** The clients that fetch their settings from each HTTPS name. */
const CLIENTS_OF_NAME: Readonly<Record<'autoconfig' | 'autodiscover', readonly ClientId[]>> = {
  autoconfig: ['thunderbird', 'k9'],
  autodiscover: ['outlook', 'thunderbird'],
};

/** Clients fetch their settings from automx2-nest behind a server or proxy. */
const HTTPS_HOLDER: CertHolder = {
  refusal: 'refuse to fetch their settings from it',
  server: 'the server (or proxy) that serves automx2-nest',
  nameFix: 'Add the name to the certificate of the server (or proxy) that serves automx2-nest.',
};

/**
 * The certificate served for `autoconfig.<domain>` or `autodiscover.<domain>` on the
 * HTTPS port: it verifies (system CAs plus the configured file), covers the name and
 * does not expire soon. A name that does not resolve is left to the DNS checks.
 */
export async function httpsNameCheck(
  prefix: 'autoconfig' | 'autodiscover',
  domain: string,
  port: number,
  context: LiveContext,
): Promise<CheckOutcome> {
  const host = `${prefix}.${domain}`;
  const resolution = await context.resolver.resolveHost(host);
  if (!resolution.ok) return passed();
  const address = resolution.addresses[0] as string;
  const clients = CLIENTS_OF_NAME[prefix];
  let problems: CertProblem[];
  let note: string;
  try {
    const socket = await openTcp(address, port, context.timeoutMs);
    const secured = await handshake(
      { host, address, port, socket },
      context.trust,
      context.timeoutMs,
    ).catch((error: unknown) => {
      socket.destroy();
      throw error;
    });
    const cert = secured.socket.getPeerCertificate();
    problems = certificateProblems(host, cert, secured.authorizationError, context.now);
    note = expiryNote(cert);
    secured.socket.destroy();
  } catch (error) {
    return failed({
      rule: 'live.tls.unreachable',
      severity: 'error',
      clients,
      subject: `${host}:${port}`,
      effect: `${host} (${address}) port ${port}: ${describeError(error)}. Clients cannot fetch their settings over HTTPS.`,
      fix: `Serve automx2-nest over HTTPS for ${host} (a reverse proxy with a certificate for the name).`,
    });
  }
  if (problems.length === 0) {
    return passed(`TLS ${host}:${port} certificate verifies and covers the name (${note})`);
  }
  return failed(
    ...problems.map((problem): Finding => {
      const advice = certificateAdvice(problem.kind, HTTPS_HOLDER);
      return {
        rule: `live.tls.${problem.kind}`,
        severity: problem.kind === 'expiring' ? 'warning' : 'error',
        clients,
        subject: `${host}:${port}`,
        effect: `${problem.detail}; ${advice.effect}.`,
        fix: advice.fix,
      };
    }),
  );
}
