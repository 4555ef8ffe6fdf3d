import type { EmailAddress } from './mailbox';

const PLACEHOLDER = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g;

/**
 * Replaces the Mozilla-style placeholders (literal, case-sensitive) in one pass, so a
 * value that itself looks like a placeholder (a local part `%EMAILADDRESS%`) is
 * inserted as text and never expanded again.
 */
export function expandPlaceholders(text: string, address: EmailAddress): string {
  if (!text.includes('%')) return text;
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    switch (name) {
      case 'EMAILADDRESS':
        return address.address;
      case 'EMAILLOCALPART':
        return address.localPart;
      default:
        return address.domain;
    }
  });
}
