/**
 * Errors raised by domain code. They carry a code, never an HTTP status: the one
 * table in error-status.ts maps codes to statuses, and only the exception filter
 * reads it. Messages are short, safe to show to a client, and never contain secrets.
 */
export type DomainErrorCode =
  /** A required request argument is missing or empty. */
  | 'MISSING_ARGUMENT'
  /** The e-mail address is not local@domain, too long, or has control characters. */
  | 'INVALID_ADDRESS'
  /** A request body has a content type this route does not read. */
  | 'UNEXPECTED_CONTENT_TYPE'
  /** A body's media type is not one the route accepts at all (415). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** A request body is malformed (XML, JSON, encoding, DTDs). */
  | 'MALFORMED_BODY'
  /** A request body is larger than `body_limit`. */
  | 'PAYLOAD_TOO_LARGE'
  /** Stored data cannot be rendered (unknown server type, authentication value, ...). */
  | 'UNSUPPORTED_DATA'
  /** A seeding document failed validation; the message names the field. */
  | 'INVALID_SEED'
  /** No configuration exists for the domain (answered as "no content"). */
  | 'UNKNOWN_DOMAIN'
  /** The directory has no entry for the address (answered as "no content"). */
  | 'NO_DIRECTORY_ENTRY'
  /** The directory refused our bind. */
  | 'DIRECTORY_BIND_REFUSED'
  /** The database or directory cannot be reached right now. */
  | 'BACKEND_UNAVAILABLE'
  /** The client may not use this route. */
  | 'FORBIDDEN';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
