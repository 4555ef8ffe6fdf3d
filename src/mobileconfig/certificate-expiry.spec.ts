import { DAY_MS, expiryFinding } from './certificate-expiry';

const VALID_FROM = new Date('2026-01-01T00:00:00.000Z');
const VALID_TO = new Date('2026-04-01T00:00:00.000Z');
const certificate = {
  subject: 'CN=autoconfig.example.com',
  validFrom: VALID_FROM,
  validTo: VALID_TO,
};
const before = (ms: number) => VALID_TO.getTime() - ms;

describe(expiryFinding.name, () => {
  it('says nothing while more than 14 days are left', () => {
    expect(expiryFinding(certificate, before(14 * DAY_MS + 1))).toBeNull();
    expect(expiryFinding(certificate, VALID_FROM.getTime())).toBeNull();
  });

  it('warns within 14 days, naming the date and what to do', () => {
    expect(expiryFinding(certificate, before(14 * DAY_MS))).toEqual({
      level: 'warn',
      message:
        'profile signing certificate CN=autoconfig.example.com expires on ' +
        '2026-04-01T00:00:00.000Z (in 14 days): renew it and reload the service ' +
        '(SIGHUP, systemctl reload automx2-nest)',
    });
    expect(expiryFinding(certificate, before(DAY_MS + 5))?.message).toContain('(in 1 day)');
    expect(expiryFinding(certificate, before(1000))?.message).toContain('(in less than a day)');
  });

  it('is an error once expired: still signed, shown as unverified', () => {
    const finding = expiryFinding(certificate, VALID_TO.getTime());
    expect(finding?.level).toBe('error');
    expect(finding?.message).toBe(
      'profile signing certificate CN=autoconfig.example.com expired on ' +
        '2026-04-01T00:00:00.000Z: profiles are still signed with it, but Apple devices ' +
        'show the profiles signed with it as unverified; renew it and reload the service ' +
        '(SIGHUP, systemctl reload automx2-nest)',
    );
  });

  it('warns about a certificate that is not valid yet', () => {
    expect(expiryFinding(certificate, VALID_FROM.getTime() - 1)).toEqual({
      level: 'warn',
      message:
        'profile signing certificate CN=autoconfig.example.com is not valid before ' +
        '2026-01-01T00:00:00.000Z: until then Apple devices show the profiles signed with ' +
        'it as unverified',
    });
  });
});
