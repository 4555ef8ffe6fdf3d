/**
 * How IMAP, POP3 and SMTP greet, list capabilities and start TLS (pure: lines in,
 * judgements out). Replies are complete when the protocol's last line has arrived.
 */
export interface MailDialect {
  readonly name: 'IMAP' | 'POP3' | 'SMTP';
  readonly greetingComplete: (lines: readonly string[]) => boolean;
  readonly greetingOk: (lines: readonly string[]) => boolean;
  /** What a good greeting starts with, for a finding (never the server's own words). */
  readonly greetingExpected: string;
  readonly capabilityCommand: string;
  readonly capabilityComplete: (lines: readonly string[]) => boolean;
  /** Whether STARTTLS (STLS) is offered, from the greeting and capability lines. */
  readonly offersStartTls: (lines: readonly string[]) => boolean;
  readonly startTlsCommand: string;
  readonly startTlsComplete: (lines: readonly string[]) => boolean;
  readonly startTlsOk: (lines: readonly string[]) => boolean;
  /** What a good answer to STARTTLS starts with, for a finding. */
  readonly startTlsExpected: string;
  readonly quitCommand: string;
}

const last = (lines: readonly string[]): string => lines[lines.length - 1] ?? '';
/** An SMTP reply ends with a line whose code is followed by a space (or nothing). */
const smtpComplete = (lines: readonly string[]): boolean => /^\d{3}(?: |$)/.test(last(lines));

export const IMAP: MailDialect = {
  name: 'IMAP',
  greetingComplete: (lines) => lines.length > 0,
  greetingOk: (lines) => /^\* (OK|PREAUTH)\b/i.test(lines[0] ?? ''),
  greetingExpected: '"* OK" or "* PREAUTH"',
  capabilityCommand: 'D1 CAPABILITY',
  capabilityComplete: (lines) => /^D1 /i.test(last(lines)),
  offersStartTls: (lines) =>
    lines.some((line) => /^\* (?:CAPABILITY\b|OK \[CAPABILITY\b)[^\]]*\bSTARTTLS\b/i.test(line)),
  startTlsCommand: 'D2 STARTTLS',
  startTlsComplete: (lines) => /^D2 /i.test(last(lines)),
  startTlsOk: (lines) => /^D2 OK\b/i.test(last(lines)),
  startTlsExpected: '"D2 OK"',
  quitCommand: 'D3 LOGOUT',
};

export const POP3: MailDialect = {
  name: 'POP3',
  greetingComplete: (lines) => lines.length > 0,
  greetingOk: (lines) => /^\+OK\b/i.test(lines[0] ?? ''),
  greetingExpected: '"+OK"',
  capabilityCommand: 'CAPA',
  capabilityComplete: (lines) =>
    /^-ERR\b/i.test(lines[0] ?? '') || (lines.length > 1 && last(lines) === '.'),
  offersStartTls: (lines) => lines.some((line) => /^STLS\b/i.test(line)),
  startTlsCommand: 'STLS',
  startTlsComplete: (lines) => lines.length > 0,
  startTlsOk: (lines) => /^\+OK\b/i.test(lines[0] ?? ''),
  startTlsExpected: '"+OK"',
  quitCommand: 'QUIT',
};

export const SMTP: MailDialect = {
  name: 'SMTP',
  greetingComplete: smtpComplete,
  greetingOk: (lines) => lines.length > 0 && lines.every((line) => /^220(?:[ -]|$)/.test(line)),
  greetingExpected: '"220"',
  capabilityCommand: 'EHLO automx2-nest.invalid',
  capabilityComplete: smtpComplete,
  offersStartTls: (lines) => lines.some((line) => /^250[ -]STARTTLS\b/i.test(line)),
  startTlsCommand: 'STARTTLS',
  startTlsComplete: smtpComplete,
  startTlsOk: (lines) => /^220(?: |$)/.test(last(lines)),
  startTlsExpected: '"220"',
  quitCommand: 'QUIT',
};

export const DIALECTS = { imap: IMAP, pop: POP3, smtp: SMTP } as const;
