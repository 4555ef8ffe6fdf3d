import type { DomainErrorCode } from './domain-error';

/** The one place where domain error codes become HTTP statuses (BEHAVIOUR.md §1). */
export const ERROR_STATUS = {
  MISSING_ARGUMENT: 400,
  INVALID_ADDRESS: 400,
  UNEXPECTED_CONTENT_TYPE: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MALFORMED_BODY: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_DATA: 400,
  INVALID_SEED: 400,
  UNKNOWN_DOMAIN: 204,
  NO_DIRECTORY_ENTRY: 204,
  DIRECTORY_BIND_REFUSED: 400,
  BACKEND_UNAVAILABLE: 503,
  FORBIDDEN: 403,
} as const satisfies Record<DomainErrorCode, number>;
