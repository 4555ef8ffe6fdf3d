import type { DomainView } from '../admin/admin-store';
import { diagnose } from './doctor';
import { sortFindings, type Finding } from './finding';
import { liveFindings } from './live/live-checks';
import type { LiveCheckOptions } from './live/live-options';

/** What `automx2-nest doctor` and `GET …/findings` report for one domain. */
export interface DoctorReport {
  /** The domain as stored. */
  readonly domain: string;
  readonly live: boolean;
  /** Errors first, then warnings, then info. */
  readonly findings: readonly Finding[];
  /** The live checks that passed (empty without live checks). */
  readonly passed: readonly string[];
}

/** The rules over the stored view, plus the live checks when `live` options are given. */
export async function examineDomain(
  view: DomainView,
  live: LiveCheckOptions | null,
): Promise<DoctorReport> {
  const stored = diagnose(view);
  if (live === null) {
    return { domain: view.name, live: false, findings: sortFindings(stored), passed: [] };
  }
  const report = await liveFindings(view, live);
  return {
    domain: view.name,
    live: true,
    findings: sortFindings([...stored, ...report.findings]),
    passed: report.passed,
  };
}
