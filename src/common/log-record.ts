/** A field value of a structured log line. `undefined` leaves the field out. */
export type LogFieldValue = string | number | undefined;

/**
 * A log message made of named fields (the access log's line). AppLogger writes its
 * fields as keys of a JSON line, instead of one free-text `message`, and `text()` as the
 * message of a text line. Fields hold values the application produced or checked
 * (route patterns, addresses, numbers), never free text from a request.
 */
export abstract class LogRecord {
  /** The fields, in the order a JSON line lists them. */
  abstract fields(): Readonly<Record<string, LogFieldValue>>;

  /** The same information as one readable line. */
  abstract text(): string;

  /**
   * Whether the line is written whatever `loglevel` is, like AppLogger.notice lines: an
   * audit trail must not depend on the level.
   */
  get everyLevel(): boolean {
    return false;
  }
}
