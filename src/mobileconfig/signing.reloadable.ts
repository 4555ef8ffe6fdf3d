import type { AppConfig } from '../config/app-config';
import { ConfigProblems } from '../config/load-config';
import { UNCHANGED, type Reloadable } from '../reload/reloadable';
import { loadProfileSigner, type ProfileSigner } from './profile-signer';
import type { ProfileSignerSlot } from './profile-signer-slot';

/**
 * `mobileconfig_sign_*`: reads the certificate, key and chain again (certbot renews
 * them in place) and puts the new signer in the slot. Files that cannot be used keep
 * the signer in use; the reason names the key and file, never what is in the file.
 */
export function signingReloadable(
  slot: ProfileSignerSlot,
  load: (config: AppConfig) => ProfileSigner | null = loadProfileSigner,
): Reloadable {
  return {
    name: 'mobileconfig_sign_*',
    fields: ['mobileconfigSigning'],
    apply: (next) => {
      const current = slot.current;
      let signer: ProfileSigner | null;
      try {
        signer = load(next);
      } catch (error) {
        if (!(error instanceof ConfigProblems)) throw error;
        const still = current
          ? `profiles are still signed as ${current.describe()}`
          : 'profiles are still sent unsigned';
        return { kind: 'kept', reason: `${error.problems.join('; ')}; ${still}` };
      }
      if (signer?.fingerprint === current?.fingerprint) return UNCHANGED;
      slot.replace(signer);
      return { kind: 'changed', message: describeChange(current, signer) };
    },
  };
}

function describeChange(before: ProfileSigner | null, after: ProfileSigner | null): string {
  if (after === null) return 'profiles are now sent unsigned (mobileconfig_sign_* removed)';
  if (before === null) return `profiles are now signed as ${after.describe()}`;
  const signerOf = (signer: ProfileSigner) => signer.fingerprint.split(' ')[0];
  if (signerOf(before) === signerOf(after)) {
    return `profiles are signed as ${after.describe()} with a new chain`;
  }
  return `profiles are now signed as ${after.describe()}; before: ${before.describe()}`;
}
