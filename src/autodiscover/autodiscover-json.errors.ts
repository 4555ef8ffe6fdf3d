/**
 * Errors of the Autodiscover v2 JSON endpoint. Their code is the `ErrorCode` of the
 * JSON error body Outlook expects; AutodiscoverJsonErrorFilter maps it to a status.
 */
export type AutodiscoverJsonErrorCode =
  /** The `Protocol` parameter is missing or names a protocol we do not serve. */
  | 'InvalidProtocol'
  /** No usable host to build the URL from (missing, or not a host name). */
  | 'InvalidHost';

export class AutodiscoverJsonError extends Error {
  constructor(
    readonly code: AutodiscoverJsonErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
