/**
 * Rules for values of stored rows, shared by every way data gets into the database
 * (`POST /initdb/`, `automx2-nest import`, and later an admin API). Each rule returns
 * what is wrong with a value as the end of a `field path: problem` message, or
 * `undefined` when the value may be stored. Callers check the JSON type first.
 */

import { isServicePort, PORT_MAX, PORT_MIN } from '../common/ports';

export { isServicePort, PORT_MAX, PORT_MIN };

/**
 * What a port belongs to: mail and LDAP servers need a real port; a DAV server's port
 * may be 0, the column default, meaning "not set" (the URL says where to connect).
 */
export type PortKind = 'service' | 'dav';

export function portProblem(port: number, kind: PortKind): string | undefined {
  if (isServicePort(port) || (kind === 'dav' && port === 0)) return undefined;
  return kind === 'dav'
    ? `must be a port number from ${PORT_MIN} to ${PORT_MAX}, or 0 for none`
    : `must be a port number from ${PORT_MIN} to ${PORT_MAX}`;
}

/**
 * Characters no stored text may contain: C0 controls (tab and line breaks too), DEL, C1
 * controls, lone surrogates (UTF-8 cannot encode them: databases, clients and LDAP would
 * get U+FFFD or an error) and the non-characters U+FFFE/U+FFFF. XML 1.0 cannot carry
 * most of them, so one in a row made every answer for its domains fail; none has a place
 * in a name, host name, URL or LDAP value (a line break in a name also breaks log and
 * zone-file lines).
 */
const UNSTORABLE = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

export interface TextRuleOptions {
  /** Say only what kind of character was found, not which (a password's). */
  readonly secret?: boolean;
}

export function textProblem(text: string, options: TextRuleOptions = {}): string | undefined {
  const found = UNSTORABLE.exec(text)?.[0];
  if (found === undefined) return undefined;
  const codePoint = found.codePointAt(0) ?? 0;
  const kind =
    codePoint >= 0xd800 && codePoint <= 0xdfff
      ? 'lone surrogates'
      : codePoint >= 0xfffe
        ? 'the non-characters U+FFFE and U+FFFF'
        : 'control characters';
  return options.secret
    ? `must not contain ${kind}`
    : `must not contain ${kind} (found ${hex(codePoint)})`;
}

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
