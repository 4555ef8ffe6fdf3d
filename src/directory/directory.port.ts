import type { LdapServer } from '../mail-settings/domain-settings';
import type { DirectoryEntry } from '../mail-settings/mailbox';

/**
 * Looks a mailbox up in a directory. Resolves to the entry's uid/cn, or null when the
 * directory has no entry. Rejects with a DomainError: DIRECTORY_BIND_REFUSED when the
 * bind is refused, BACKEND_UNAVAILABLE when the server cannot be used right now,
 * UNSUPPORTED_DATA when the stored search filter does not parse.
 */
export abstract class DirectoryPort {
  abstract lookup(address: string, server: LdapServer): Promise<DirectoryEntry | null>;
}
