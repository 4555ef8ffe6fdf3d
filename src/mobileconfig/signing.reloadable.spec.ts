import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPki, issueSigner, type TestPki } from '../../test/support/test-pki';
import type { AppConfig } from '../config/app-config';
import { DAY_MS } from './certificate-expiry';
import { loadProfileSigner } from './profile-signer';
import { ProfileSignerSlot } from './profile-signer-slot';
import { signingReloadable } from './signing.reloadable';

describe(signingReloadable.name, () => {
  let pki: TestPki;
  /** The files the configuration names (certbot's live/ directory). */
  let live: { certFile: string; keyFile: string; chainFile: string };
  const config = (signing: AppConfig['mobileconfigSigning']) =>
    ({ sourceFile: '/etc/automx2.conf', mobileconfigSigning: signing }) as AppConfig;

  beforeAll(() => {
    pki = createTestPki();
    live = {
      certFile: join(pki.dir, 'live-cert.pem'),
      keyFile: join(pki.dir, 'live-key.pem'),
      chainFile: join(pki.dir, 'live-chain.pem'),
    };
  });

  afterAll(() => pki?.remove());

  beforeEach(() => {
    copyFileSync(pki.signerCert, live.certFile);
    copyFileSync(pki.signerKey, live.keyFile);
    copyFileSync(pki.intermediate, live.chainFile);
  });

  const start = () => {
    const slot = new ProfileSignerSlot(loadProfileSigner(config(live)));
    return { slot, reloadable: signingReloadable(slot) };
  };

  it('reports nothing when the files are the same', () => {
    const { slot, reloadable } = start();
    const before = slot.current;
    expect(reloadable.apply(config(live))).toEqual({ kind: 'unchanged' });
    expect(slot.current).toBe(before);
  });

  it('puts a renewed certificate and key in the slot', () => {
    const { slot, reloadable } = start();
    const old = slot.current!;
    const renewed = issueSigner(pki, 'renewed', {
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 90 * DAY_MS),
    });
    copyFileSync(renewed.cert, live.certFile);
    copyFileSync(renewed.key, live.keyFile);
    const outcome = reloadable.apply(config(live));
    expect(slot.current).not.toBe(old);
    expect(slot.current!.validTo).toEqual(renewed.notAfter);
    expect(outcome).toEqual({
      kind: 'changed',
      message: `profiles are now signed as ${slot.current!.describe()}; before: ${old.describe()}`,
    });
  });

  it('keeps the signer when the new key does not belong to the certificate, without key material', () => {
    const { slot, reloadable } = start();
    const old = slot.current!;
    copyFileSync(pki.otherKey, live.keyFile);
    const outcome = reloadable.apply(config(live));
    expect(slot.current).toBe(old);
    expect(outcome).toEqual({
      kind: 'kept',
      reason:
        `/etc/automx2.conf: mobileconfig_sign_key = "${live.keyFile}": the key does not ` +
        `belong to the certificate in mobileconfig_sign_cert = "${live.certFile}"; ` +
        `profiles are still signed as ${old.describe()}`,
    });
    const key = pki.read(pki.otherKey).split('\n')[1]!;
    expect(JSON.stringify(outcome)).not.toContain(key.slice(0, 20));
  });

  it('keeps the signer when a file is missing', () => {
    const { slot, reloadable } = start();
    const old = slot.current!;
    const missing = join(pki.dir, 'missing.pem');
    const outcome = reloadable.apply(config({ ...live, certFile: missing }));
    expect(slot.current).toBe(old);
    expect(outcome.kind).toBe('kept');
  });

  it('turns signing on and off', () => {
    const slot = new ProfileSignerSlot(null);
    const reloadable = signingReloadable(slot);
    expect(reloadable.apply(config(live))).toEqual({
      kind: 'changed',
      message: `profiles are now signed as ${slot.current!.describe()}`,
    });
    expect(reloadable.apply(config(null))).toEqual({
      kind: 'changed',
      message: 'profiles are now sent unsigned (mobileconfig_sign_* removed)',
    });
    expect(slot.current).toBeNull();
  });

  it('reports a new chain for the same certificate', () => {
    const { slot, reloadable } = start();
    const outcome = reloadable.apply(config({ ...live, chainFile: null }));
    expect(outcome).toEqual({
      kind: 'changed',
      message: `profiles are signed as ${slot.current!.describe()} with a new chain`,
    });
  });
});
