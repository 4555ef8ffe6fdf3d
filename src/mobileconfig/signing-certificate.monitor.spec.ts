import { createTestPki, issueSigner, type TestPki } from '../../test/support/test-pki';
import { DAY_MS } from './certificate-expiry';
import { ProfileSigner } from './profile-signer';
import { ProfileSignerSlot } from './profile-signer-slot';
import { SigningCertificateMonitor } from './signing-certificate.monitor';

const HOUR_MS = 60 * 60 * 1000;

/** A clock the test moves, and the daily task the monitor schedules (run by hand). */
interface Harness {
  readonly monitor: SigningCertificateMonitor;
  readonly slot: ProfileSignerSlot;
  readonly lines: string[];
  readonly expiry: (Date | null)[];
  readonly day: () => void;
  readonly stopped: () => boolean;
  at: number;
}

describe(SigningCertificateMonitor.name, () => {
  let pki: TestPki;
  /** Valid from 20 days ago for 10 days more. */
  let shortLived: ProfileSigner;
  /** Whole seconds: X.509 validity has no milliseconds. */
  const start = Math.floor(Date.now() / 1000) * 1000;

  beforeAll(() => {
    pki = createTestPki();
    const issued = issueSigner(pki, 'short-lived', {
      notBefore: new Date(start - 20 * DAY_MS),
      notAfter: new Date(start + 10 * DAY_MS),
    });
    shortLived = new ProfileSigner({
      certificate: pki.read(issued.cert),
      privateKey: pki.read(issued.key),
      chain: pki.read(pki.intermediate),
    });
  });

  afterAll(() => pki?.remove());

  function harness(signer: ProfileSigner | null): Harness {
    const lines: string[] = [];
    const expiry: (Date | null)[] = [];
    let task: (() => void) | null = null;
    let interval = 0;
    let stopped = false;
    const slot = new ProfileSignerSlot(signer);
    const h: Harness = {
      slot,
      lines,
      expiry,
      at: start,
      monitor: new SigningCertificateMonitor(
        slot,
        { setSigningCertificateExpiry: (notAfter) => expiry.push(notAfter) },
        {
          now: () => h.at,
          repeat: (run, ms) => {
            task = run;
            interval = ms;
            return () => (stopped = true);
          },
          logger: {
            warn: (message: string) => lines.push(`WARNING ${message}`),
            error: (message: string) => lines.push(`ERROR ${message}`),
          },
        },
      ),
      day: () => {
        expect(interval).toBe(DAY_MS);
        h.at += DAY_MS;
        task?.();
      },
      stopped: () => stopped,
    };
    return h;
  }

  it('warns at start-up and every day within 14 days, then errs every day once expired', () => {
    const h = harness(shortLived);
    h.monitor.onApplicationBootstrap();
    expect(h.lines).toEqual([expect.stringMatching(/^WARNING .* expires on .* \(in 10 days\)/)]);
    for (let day = 1; day <= 12; day += 1) h.day();
    expect(h.lines).toHaveLength(13);
    expect(h.lines[9]).toMatch(/^WARNING .*\(in 1 day\)/);
    expect(h.lines[10]).toMatch(/^ERROR .* expired on .*: profiles are still signed with it/);
    expect(h.lines[12]).toMatch(/^ERROR /);
    expect(h.expiry).toEqual(Array.from({ length: 13 }, () => shortLived.validTo));
    h.monitor.onApplicationShutdown();
    expect(h.stopped()).toBe(true);
  });

  it('says nothing about a certificate valid for more than 14 days', () => {
    const h = harness(shortLived);
    h.at = start - 5 * DAY_MS;
    h.monitor.onApplicationBootstrap();
    expect(h.lines).toEqual([]);
    h.day();
    expect(h.lines).toEqual([expect.stringMatching(/^WARNING .*\(in 14 days\)/)]);
  });

  it('checks a certificate a reload puts in at once, and drops the metric when signing stops', () => {
    const h = harness(null);
    h.monitor.onApplicationBootstrap();
    expect(h.expiry).toEqual([null]);
    h.at = start + 10 * DAY_MS + HOUR_MS;
    h.slot.replace(shortLived);
    expect(h.lines).toEqual([expect.stringMatching(/^ERROR .* expired on /)]);
    h.slot.replace(null);
    h.day();
    expect(h.expiry).toEqual([null, shortLived.validTo, null, null]);
    expect(h.lines).toHaveLength(1);
  });
});
