import type { PeerCertificate } from 'node:tls';
import { certificateProblems } from './certificate';

/** The fields of a peer certificate the checks read. */
function cert(names: string, validTo: string): PeerCertificate {
  return {
    subject: { CN: 'autoconfig.example.org' },
    subjectaltname: names,
    valid_to: validTo,
  } as unknown as PeerCertificate; // only these fields are read
}

const now = new Date('2030-01-01T00:00:00Z');

describe('certificateProblems', () => {
  it('accepts a verified certificate for the name, valid beyond 14 days', () => {
    const problems = certificateProblems(
      'autoconfig.example.org',
      cert('DNS:autoconfig.example.org', 'Feb  1 00:00:00 2030 GMT'),
      null,
      now,
    );
    expect(problems).toEqual([]);
  });

  it('covers names through a wildcard, as clients do', () => {
    expect(
      certificateProblems(
        'autoconfig.example.org',
        cert('DNS:*.example.org', 'Feb  1 00:00:00 2030 GMT'),
        null,
        now,
      ),
    ).toEqual([]);
  });

  it('reports another name, an unverified chain, and an expiry within 14 days', () => {
    const problems = certificateProblems(
      'autodiscover.example.org',
      cert('DNS:autoconfig.example.org', 'Jan 10 00:00:00 2030 GMT'),
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      now,
    );
    expect(problems.map((problem) => problem.kind)).toEqual([
      'untrusted',
      'name-mismatch',
      'expiring',
    ]);
    expect(problems[1]?.detail).toContain('DNS:autoconfig.example.org');
    expect(problems[2]?.detail).toContain('2030-01-10');
  });

  it('calls an expired certificate expired, not untrusted', () => {
    const byClock = certificateProblems(
      'autoconfig.example.org',
      cert('DNS:autoconfig.example.org', 'Dec 31 00:00:00 2029 GMT'),
      null,
      now,
    );
    expect(byClock.map((problem) => problem.kind)).toEqual(['expired']);
    const byChain = certificateProblems(
      'autoconfig.example.org',
      cert('DNS:autoconfig.example.org', 'Dec 31 00:00:00 2029 GMT'),
      'CERT_HAS_EXPIRED',
      now,
    );
    expect(byChain.map((problem) => problem.kind)).toEqual(['expired']);
  });
});
