import { ResultCodeError } from 'ldapts';
import { DomainError } from '../common/domain-error';

/**
 * LDAP result codes of a bind that mean "these credentials are not accepted here" (a
 * configuration problem), not "try again later": authMethodNotSupported (7),
 * strongAuthRequired (8), confidentialityRequired (13), inappropriateAuthentication
 * (48), invalidCredentials (49), insufficientAccessRights (50), unwillingToPerform (53,
 * e.g. an unauthenticated bind: a DN with an empty password).
 */
const BIND_REFUSED_CODES: ReadonlySet<number> = new Set([7, 8, 13, 48, 49, 50, 53]);

/** Our own bound on an LDAP step ran out (ldapts' timers did not fire first). */
export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = new.target.name;
  }
}

/** Rejects with DeadlineExceededError when `promise` has not settled after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The error a refused bind becomes; anything else thrown by a bind is an outage. */
export function bindFailure(error: unknown): unknown {
  if (error instanceof ResultCodeError && BIND_REFUSED_CODES.has(error.code)) {
    return new DomainError('DIRECTORY_BIND_REFUSED', 'LDAP bind refused');
  }
  return error;
}

/**
 * True when a request failed because the connection went away under it (the server
 * closed an idle connection, a reset): worth one more try on a new connection. Timeouts
 * are not, so that every lookup stays bounded.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof ResultCodeError) return false;
  if (error instanceof DeadlineExceededError || error instanceof DomainError) return false;
  return /connection closed|socket|ECONNRESET|EPIPE/i.test(error.message);
}

/** One line describing `error` for the log, with `secret` (the bind password) masked. */
export function describeFailure(error: unknown, secret: string | null): string {
  const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = raw.replace(/\s+/g, ' ').trim();
  return secret ? line.split(secret).join('***') : line;
}
