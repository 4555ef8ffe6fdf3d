import type { DoctorReport } from '../doctor/doctor-report';
import type { Finding } from '../doctor/finding';
import {
  countReport,
  emptyDoctorTally,
  formatFinding,
  formatReport,
  formatSummary,
  jsonEnd,
  jsonReport,
  jsonStart,
} from './doctor-format';

const POP_ONLY: Finding = {
  rule: 'k9.pop-only',
  severity: 'error',
  clients: ['k9'],
  subject: 'domain example.org',
  field: 'servers',
  effect: 'K-9 rejects the whole document.',
  fix: 'Add an IMAP server.',
};

const TIE: Finding = {
  rule: 'data.prio-tie',
  severity: 'warning',
  clients: ['thunderbird', 'outlook'],
  subject: 'servers 1 and 2',
  effect: 'The order depends on ids.',
  fix: 'Give each server its own prio.',
};

const NOTE: Finding = {
  rule: 'apple.carddav-principal',
  severity: 'info',
  clients: [],
  subject: 'DAV server 1',
  effect: 'macOS ignores it.',
  fix: 'Nothing to do.',
};

const report = (findings: readonly Finding[], passed: readonly string[] = []): DoctorReport => ({
  domain: 'example.org',
  live: passed.length > 0,
  findings,
  passed,
});

describe('doctor text output', () => {
  it('writes a finding as severity, rule, clients and subject, then effect and fix', () => {
    expect(formatFinding(POP_ONLY)).toBe(
      'error   k9.pop-only  [K-9] domain example.org\n' +
        '  K-9 rejects the whole document.\n' +
        '  fix: Add an IMAP server.\n',
    );
    expect(formatFinding(TIE).split('\n')[0]).toBe(
      'warning data.prio-tie  [Thunderbird, Outlook] servers 1 and 2',
    );
    expect(formatFinding(NOTE).split('\n')[0]).toBe(
      'info    apple.carddav-principal  DAV server 1',
    );
  });

  it('heads a domain with its counts and lists the live checks that passed', () => {
    expect(formatReport(report([POP_ONLY, TIE], ['MX example.org: mail.example.org']))).toBe(
      'example.org (with live checks): 1 error, 1 warning, 0 info\n' +
        formatFinding(POP_ONLY) +
        formatFinding(TIE) +
        'ok      MX example.org: mail.example.org\n\n',
    );
    expect(formatReport(report([]))).toBe('example.org: 0 errors, 0 warnings, 0 info\n\n');
  });

  it('sums up every domain in the last line', () => {
    const tally = emptyDoctorTally();
    countReport(tally, report([POP_ONLY, TIE, NOTE]));
    countReport(tally, report([POP_ONLY]));
    expect(tally).toEqual({ domains: 2, errors: 2, warnings: 1, info: 1 });
    expect(formatSummary(tally)).toBe('2 domains: 2 errors, 1 warning, 1 info\n');
    expect(formatSummary(emptyDoctorTally())).toBe('0 domains: 0 errors, 0 warnings, 0 info\n');
  });
});

describe('doctor JSON output', () => {
  it('is one document with every report, the counts and the unknown domains', () => {
    const first = report([POP_ONLY]);
    const second = { ...report([NOTE]), domain: 'example.com' };
    const tally = emptyDoctorTally();
    countReport(tally, first);
    countReport(tally, second);
    const text =
      jsonStart() +
      jsonReport(first, true) +
      jsonReport(second, false) +
      jsonEnd(tally, ['x.test']);
    expect(JSON.parse(text)).toEqual({
      domains: [first, second],
      errors: 1,
      warnings: 0,
      info: 1,
      unknown: ['x.test'],
    });
  });

  it('is a document without domains too', () => {
    expect(JSON.parse(jsonStart() + jsonEnd(emptyDoctorTally(), []))).toEqual({
      domains: [],
      errors: 0,
      warnings: 0,
      info: 0,
      unknown: [],
    });
  });
});
