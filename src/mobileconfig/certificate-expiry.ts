/**
 * What the log says about the validity of the signing certificate (pure, so it can be
 * tested with any clock): nothing while it is valid for more than
 * {@link EXPIRY_WARNING_DAYS} days, a warning while it expires soon or is not valid
 * yet, an error once it has expired. Profiles are signed with it in every case.
 */

export const EXPIRY_WARNING_DAYS = 14;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertificateValidity {
  readonly subject: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

export interface ExpiryFinding {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

const RENEW = 'renew it and reload the service (SIGHUP, systemctl reload automx2-nest)';
const UNVERIFIED = 'Apple devices show the profiles signed with it as unverified';

/** The warning or error for `certificate` at `now` (ms since the epoch), or null. */
export function expiryFinding(certificate: CertificateValidity, now: number): ExpiryFinding | null {
  const name = `profile signing certificate ${certificate.subject}`;
  const validTo = certificate.validTo.getTime();
  if (validTo <= now) {
    return {
      level: 'error',
      message:
        `${name} expired on ${certificate.validTo.toISOString()}: profiles are still signed ` +
        `with it, but ${UNVERIFIED}; ${RENEW}`,
    };
  }
  if (certificate.validFrom.getTime() > now) {
    return {
      level: 'warn',
      message: `${name} is not valid before ${certificate.validFrom.toISOString()}: until then ${UNVERIFIED}`,
    };
  }
  const left = validTo - now;
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return null;
  const days = Math.floor(left / DAY_MS);
  const within = days === 0 ? 'less than a day' : days === 1 ? '1 day' : `${days} days`;
  return {
    level: 'warn',
    message: `${name} expires on ${certificate.validTo.toISOString()} (in ${within}): ${RENEW}`,
  };
}
