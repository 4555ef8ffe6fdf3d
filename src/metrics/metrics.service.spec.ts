import type { HttpAdapterHost } from '@nestjs/core';
import { buildInfo } from '../common/build-info';
import { MetricsService } from './metrics.service';

const EXPIRY = 'automx2_signing_certificate_expiry_seconds';

/** The value of the unlabelled sample `name` in an exposition, or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe(MetricsService.name, () => {
  const metrics = () => new MetricsService({} as HttpAdapterHost);

  it('exports automx2_build_info = 1 with version, commit and Node.js', async () => {
    const { version, commit, node } = buildInfo();
    expect(await metrics().render()).toContain(
      `automx2_build_info{version="${version}",commit="${commit}",node="${node}"} 1\n`,
    );
  });

  it('exports the seconds until the signing certificate expires, only while signing', async () => {
    const service = metrics();
    expect(await service.render()).not.toContain(EXPIRY);
    service.setSigningCertificateExpiry(new Date(Date.now() + 3600_000));
    const inAnHour = sample(await service.render(), EXPIRY);
    expect(inAnHour).toBeGreaterThan(3590);
    expect(inAnHour).toBeLessThanOrEqual(3600);
    service.setSigningCertificateExpiry(new Date(Date.now() - 60_000));
    const expired = sample(await service.render(), EXPIRY);
    expect(expired).toBeLessThanOrEqual(-60);
    expect(expired).toBeGreaterThan(-70);
    service.setSigningCertificateExpiry(null);
    expect(await service.render()).not.toContain(EXPIRY);
  });

  it('exports the change listener state only once there is a listener', async () => {
    const name = 'automx2_change_listener_up';
    const service = metrics();
    expect(await service.render()).not.toContain(name);
    service.setChangeListenerUp(false);
    expect(sample(await service.render(), name)).toBe(0);
    service.setChangeListenerUp(true);
    expect(sample(await service.render(), name)).toBe(1);
    service.setChangeListenerUp(false);
    expect(sample(await service.render(), name)).toBe(0);
  });
});
