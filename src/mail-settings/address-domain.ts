import { DomainError } from '../common/domain-error';
import { parseDomainName, parseEmailAddress } from './address-parser';

/**
 * The domain of an address as the routes read it (parseEmailAddress), lower-cased;
 * `undefined` when there is no address or it is not a valid one. For the access log,
 * which names the domain a request asked about but never its local part.
 */
export function domainOfAddress(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  return orUndefined(() => parseEmailAddress(raw).domain.toLowerCase());
}

/** A bare domain (`emaildomain=`) as the routes read it, lower-cased, or `undefined`. */
export function domainOfDomainName(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  return orUndefined(() => parseDomainName(raw).toLowerCase());
}

function orUndefined(read: () => string): string | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}
