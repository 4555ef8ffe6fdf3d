import type { ProfileSigner } from './profile-signer';

/**
 * The signer profiles are signed with, or null when they go out unsigned. Read on every
 * request, so a reload (SIGHUP) that replaces it takes effect with the next profile;
 * requests already signing finish with the signer they had.
 */
export class ProfileSignerSlot {
  private readonly listeners: ((signer: ProfileSigner | null) => void)[] = [];

  constructor(private signer: ProfileSigner | null) {}

  get current(): ProfileSigner | null {
    return this.signer;
  }

  replace(signer: ProfileSigner | null): void {
    this.signer = signer;
    for (const listener of this.listeners) listener(signer);
  }

  /** Calls `listener` after each replacement. */
  onReplace(listener: (signer: ProfileSigner | null) => void): void {
    this.listeners.push(listener);
  }
}
