/**
 * What the doctor says about a domain's stored settings: one finding per thing a
 * client will do differently from what the operator meant. Pure data, shared by the
 * rule engine (rules/), the live checks (live/), the CLI and the admin API.
 */

export const SEVERITIES = ['error', 'warning', 'info'] as const;
/** error: a client will fail; warning: a client will do something other than the data says; info: worth knowing. */
export type Severity = (typeof SEVERITIES)[number];

/** The clients a finding is about (README and the console spell them out with CLIENT_LABELS). */
export const CLIENT_IDS = ['thunderbird', 'k9', 'outlook', 'apple'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export const CLIENT_LABELS: Readonly<Record<ClientId, string>> = {
  thunderbird: 'Thunderbird',
  k9: 'Thunderbird for Android (K-9)',
  outlook: 'Outlook',
  apple: 'Apple Mail and iOS',
};

export interface Finding {
  /** Stable id of the rule or live check, e.g. `k9.pop-only`, `live.dns.autoconfig` (docs/doctor.md lists them). */
  readonly rule: string;
  readonly severity: Severity;
  /** The clients affected; empty for a data problem that is not about one client. */
  readonly clients: readonly ClientId[];
  /** What in the data, short: `server 5 (pop1.example.com:143, pop)`, `domain example.org`. */
  readonly subject: string;
  /**
   * The field of the admin API's domain view it is about, for the console to mark:
   * `servers[0].socket_type`, `davservers[1].url`, `ldapserver.search_filter`, `servers`.
   * Absent when no single field is at fault (DNS, TLS).
   */
  readonly field?: string;
  /** What the client will do (or what the check saw), one or two sentences. */
  readonly effect: string;
  /** How to fix it, one or two sentences. */
  readonly fix: string;
}

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; stable within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

/** Whether any finding is an error (the CLI then exits 1). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
