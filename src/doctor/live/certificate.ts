import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { CERT_EXPIRY_DAYS } from './live-options';

/** Why clients will not (or soon will not) accept a certificate. */
export type CertProblemKind = 'untrusted' | 'name-mismatch' | 'expired' | 'expiring';

export interface CertProblem {
  readonly kind: CertProblemKind;
  readonly detail: string;
}

/** Who presents the certificate, for the words of a finding about it. */
export interface CertHolder {
  /** What clients do about a bad certificate, verb first: `refuse the connection`. */
  readonly refusal: string;
  /** What to reload after renewing: `the mail server`. */
  readonly server: string;
  /** The fix for a certificate that does not cover the name. */
  readonly nameFix: string;
}

/** What a certificate problem makes clients do (`effect`) and how to fix it. */
export function certificateAdvice(
  kind: CertProblemKind,
  holder: CertHolder,
): { readonly effect: string; readonly fix: string } {
  switch (kind) {
    case 'untrusted':
      return {
        effect: `clients ${holder.refusal}`,
        fix: 'Serve a certificate from a public CA with the full chain (intermediate certificates included).',
      };
    case 'name-mismatch':
      return {
        effect: `clients ${holder.refusal} because the certificate is for another name`,
        fix: holder.nameFix,
      };
    case 'expired':
      return {
        effect: `clients ${holder.refusal}`,
        fix: `Renew the certificate and reload ${holder.server}.`,
      };
    case 'expiring':
      return {
        effect: `clients will ${holder.refusal} once it expires`,
        fix: 'Renew the certificate (and check that automatic renewal works).',
      };
  }
}

const DAY_MS = 86_400_000;
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED']);

/**
 * What is wrong with the certificate a server presented for `host` (pure): the chain
 * error node:tls reported (null: verified), whether it covers the name, and its expiry
 * against `now` (expired, or expiring within CERT_EXPIRY_DAYS).
 */
export function certificateProblems(
  host: string,
  cert: PeerCertificate,
  authorizationError: string | null,
  now: Date,
): CertProblem[] {
  const problems: CertProblem[] = [];
  const validTo = new Date(cert.valid_to);
  const expired =
    (authorizationError !== null && EXPIRED_CODES.has(authorizationError)) ||
    (!Number.isNaN(validTo.getTime()) && validTo.getTime() <= now.getTime());
  if (authorizationError !== null && !EXPIRED_CODES.has(authorizationError)) {
    problems.push({
      kind: 'untrusted',
      detail: `the chain does not verify (${authorizationError})`,
    });
  }
  const identity = checkServerIdentity(host, cert);
  if (identity) {
    problems.push({
      kind: 'name-mismatch',
      detail: `the certificate does not cover ${host} (${names(cert)})`,
    });
  }
  if (expired) {
    problems.push({ kind: 'expired', detail: `the certificate expired on ${isoDay(validTo)}` });
  } else if (!Number.isNaN(validTo.getTime())) {
    const days = (validTo.getTime() - now.getTime()) / DAY_MS;
    if (days < CERT_EXPIRY_DAYS) {
      problems.push({
        kind: 'expiring',
        detail: `the certificate expires on ${isoDay(validTo)}, within ${CERT_EXPIRY_DAYS} days`,
      });
    }
  }
  return problems;
}

/** `expires 2027-01-31`, for the line of a passed check. */
export function expiryNote(cert: PeerCertificate): string {
  return `expires ${isoDay(new Date(cert.valid_to))}`;
}

function names(cert: PeerCertificate): string {
  const alt = cert.subjectaltname?.trim();
  if (alt) return alt.length > 120 ? `${alt.slice(0, 117)}...` : alt;
  const cn = cert.subject?.CN;
  return cn ? `CN=${String(cn)}` : 'no names';
}

function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an unreadable date' : date.toISOString().slice(0, 10);
}
