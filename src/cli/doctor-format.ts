import type { DoctorReport } from '../doctor/doctor-report';
import type { ClientId, Finding, Severity } from '../doctor/finding';

/** Short client names for one line of text (the console spells them out). */
const SHORT_LABELS: Readonly<Record<ClientId, string>> = {
  thunderbird: 'Thunderbird',
  k9: 'K-9',
  outlook: 'Outlook',
  apple: 'Apple',
};

/** Width of the first column: the longest severity, `warning`. */
const COLUMN = 'warning'.length + 1;

/** How many findings of each severity a run found. */
export interface DoctorTally {
  domains: number;
  errors: number;
  warnings: number;
  info: number;
}

export const emptyDoctorTally = (): DoctorTally => ({
  domains: 0,
  errors: 0,
  warnings: 0,
  info: 0,
});

const TALLY_KEY: Readonly<Record<Severity, 'errors' | 'warnings' | 'info'>> = {
  error: 'errors',
  warning: 'warnings',
  info: 'info',
};

/** Adds one domain's report to the tally. */
export function countReport(tally: DoctorTally, report: DoctorReport): void {
  tally.domains += 1;
  for (const finding of report.findings) tally[TALLY_KEY[finding.severity]] += 1;
}

/** `3 errors, 1 warning, 0 info` */
function severityCounts(counts: Omit<DoctorTally, 'domains'>): string {
  return [
    plural(counts.errors, 'error'),
    plural(counts.warnings, 'warning'),
    `${counts.info} info`,
  ].join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * One finding as three lines:
 * `error   k9.pop-only  [K-9] server 2 (pop.example.org:143, pop)`, the effect, the fix.
 */
export function formatFinding(finding: Finding): string {
  const clients =
    finding.clients.length > 0
      ? `[${finding.clients.map((client) => SHORT_LABELS[client]).join(', ')}] `
      : '';
  return (
    `${finding.severity.padEnd(COLUMN)}${finding.rule}  ${clients}${finding.subject}\n` +
    `  ${finding.effect}\n` +
    `  fix: ${finding.fix}\n`
  );
}

/**
 * One domain's report as text: a header line with its counts, a block per finding, the
 * live checks that passed (`ok      …`), and an empty line.
 */
export function formatReport(report: DoctorReport): string {
  const tally = emptyDoctorTally();
  countReport(tally, report);
  const live = report.live ? ' (with live checks)' : '';
  const lines = [`${report.domain}${live}: ${severityCounts(tally)}\n`];
  for (const finding of report.findings) lines.push(formatFinding(finding));
  for (const passed of report.passed) lines.push(`${'ok'.padEnd(COLUMN)}${passed}\n`);
  lines.push('\n');
  return lines.join('');
}

/** The last line of the text output: `2 domains: 1 error, 0 warnings, 3 info`. */
export function formatSummary(tally: DoctorTally): string {
  return `${plural(tally.domains, 'domain')}: ${severityCounts(tally)}\n`;
}

/**
 * The pieces of the `--json` document `{"domains":[…],"errors":E,"warnings":W,"info":I,
 * "unknown":[…]}`, written as the domains are examined (memory stays flat however many
 * domains there are).
 */
export const jsonStart = (): string => '{"domains":[';

export function jsonReport(report: DoctorReport, first: boolean): string {
  return `${first ? '' : ','}\n${JSON.stringify(report)}`;
}

export function jsonEnd(tally: DoctorTally, unknown: readonly string[]): string {
  const { errors, warnings, info } = tally;
  return `\n],"errors":${errors},"warnings":${warnings},"info":${info},"unknown":${JSON.stringify(unknown)}}\n`;
}
