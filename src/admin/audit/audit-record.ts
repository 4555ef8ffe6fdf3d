import { LogRecord, type LogFieldValue } from '../../common/log-record';

/** One change made through the admin API, as AuditLog.record receives it. */
export interface AuditEntry {
  /** The name of the token that authorised the request (never the token). */
  readonly token: string;
  /** The client address (proxy-aware), or `unknown`. */
  readonly client: string;
  readonly method: string;
  /** The resource changed, as a path (`/admin/api/v1/domains/example.com`). */
  readonly resource: string;
  /** A short summary of the change (`created`, `replaced 3 servers`). */
  readonly change: string;
}

/**
 * The audit line of one change: `event: "admin_change"` and the entry's fields as a JSON
 * line, or `admin change by token "ops" from 192.0.2.7: PUT /admin/api/v1/domains/x: created`
 * as text. Written at every log level (an audit trail does not depend on `loglevel`).
 * Values can come from a request (a domain name in the path), so the text form escapes
 * control characters: one change is always one line.
 */
export class AuditRecord extends LogRecord {
  constructor(private readonly entry: AuditEntry) {
    super();
  }

  override get everyLevel(): boolean {
    return true;
  }

  fields(): Readonly<Record<string, LogFieldValue>> {
    const { token, client, method, resource, change } = this.entry;
    return { event: 'admin_change', token, client, method, resource, change };
  }

  text(): string {
    const { token, client, method, resource, change } = this.entry;
    return (
      `admin change by token ${JSON.stringify(token)} from ${oneLine(client)}: ` +
      `${oneLine(method)} ${oneLine(resource)}: ${oneLine(change)}`
    );
  }
}

/** `text` with control characters (line breaks included) written as \u escapes. */
export function oneLine(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
