import type { Finding } from '../finding';

/** What one live check produced: problems, and lines for the checks that passed. */
export interface CheckOutcome {
  readonly findings: Finding[];
  readonly passed: string[];
}

export function failed(...findings: Finding[]): CheckOutcome {
  return { findings, passed: [] };
}

export function passed(...lines: string[]): CheckOutcome {
  return { findings: [], passed: lines };
}

/** The outcomes of several checks as one, in order. */
export function mergeOutcomes(outcomes: readonly CheckOutcome[]): CheckOutcome {
  return {
    findings: outcomes.flatMap((outcome) => outcome.findings),
    passed: outcomes.flatMap((outcome) => outcome.passed),
  };
}
