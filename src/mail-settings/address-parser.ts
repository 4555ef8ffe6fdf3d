import { DomainError } from '../common/domain-error';
import { isHostName } from './domain-names';
import type { EmailAddress } from './mailbox';

const MAX_ADDRESS_OCTETS = 254;
const MAX_LOCAL_OCTETS = 64;
// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export const missingArgument = (name: string): DomainError =>
  new DomainError('MISSING_ARGUMENT', `Missing request argument "${name}"`);

/**
 * Normalises an address as BEHAVIOUR.md §2 says: trimmed, a space in the local part
 * read as `+` (an unencoded `+` arrives as a space), exactly one `@` with both parts
 * non-empty, length limits, no control characters. Case is kept.
 */
export function parseEmailAddress(raw: string): EmailAddress {
  const trimmed = raw.trim();
  if (CONTROL_CHARACTERS.test(trimmed)) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: control characters');
  }
  const parts = trimmed.split('@');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: expected local@domain');
  }
  const localPart = parts[0].replace(/ /g, '+');
  const domain = parts[1];
  if (/\s/.test(domain)) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: space in domain');
  }
  if (!isHostName(domain)) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: domain is not a host name');
  }
  const address = `${localPart}@${domain}`;
  if (Buffer.byteLength(localPart) > MAX_LOCAL_OCTETS) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: local part too long');
  }
  if (Buffer.byteLength(address) > MAX_ADDRESS_OCTETS) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid e-mail address: too long');
  }
  return { address, localPart, domain };
}

/** A bare domain (from `emaildomain=` or a Host header), trimmed and checked. */
export function parseDomainName(raw: string): string {
  const domain = raw.trim().replace(/\.$/, '');
  if (
    !domain ||
    CONTROL_CHARACTERS.test(domain) ||
    /[\s@/\\]/.test(domain) ||
    Buffer.byteLength(domain) > 253 ||
    !isHostName(domain)
  ) {
    throw new DomainError('INVALID_ADDRESS', 'Invalid domain name');
  }
  return domain;
}
