import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Verdict } from './conformance-cases';
import { THUNDERBIRD_LIMITATIONS } from './thunderbird-limitations';
import type { ThunderbirdVersion } from './thunderbird-cache';

export const REPORT_FILE = join(
  __dirname,
  '..',
  '..',
  '.test-output',
  'thunderbird-conformance.json',
);

/**
 * Collects every verdict and writes the summary: one line per Thunderbird version on
 * stdout, and every case (documents, derived and expected accounts) as JSON in
 * .test-output/thunderbird-conformance.json.
 */
export class ConformanceReport {
  private readonly verdicts: Verdict[] = [];

  constructor(private readonly versions: readonly ThunderbirdVersion[]) {}

  add(verdicts: readonly Verdict[]): void {
    this.verdicts.push(...verdicts);
  }

  summaryLines(): string[] {
    return this.versions.map((version) => {
      const mine = this.verdicts.filter((v) => v.thunderbird === version.version);
      const count = (outcome: Outcome) => mine.filter((v) => v.outcome === outcome).length;
      return (
        `Thunderbird ${version.version} (${version.debianVersion}): ${mine.length} cases, ` +
        `${mine.filter((v) => v.accepted).length} accepted, ${count('match')} match the ` +
        `database, ${count('limitation')} limitations, ${count('no-config')} without ` +
        `configuration, ${count('failure')} failures`
      );
    });
  }

  write(): void {
    const lines = this.summaryLines();
    process.stdout.write(`\nThunderbird conformance:\n${lines.map((l) => `  ${l}\n`).join('')}`);
    process.stdout.write(`  details: ${REPORT_FILE}\n`);
    mkdirSync(join(REPORT_FILE, '..'), { recursive: true });
    const limitations = THUNDERBIRD_LIMITATIONS.map(({ id, formats, reason }) => ({
      id,
      formats,
      reason,
    }));
    const report = { summary: lines, limitations, cases: this.verdicts };
    writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  }
}
