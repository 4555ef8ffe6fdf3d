/** A normalised e-mail address (see address-parser.ts). */
export interface EmailAddress {
  /** local@domain as it goes into responses (trimmed, space read as `+`, case kept). */
  readonly address: string;
  readonly localPart: string;
  /** The domain part as given (case kept). */
  readonly domain: string;
}

/** What the directory (LDAP) says about a mailbox; both optional. */
export interface DirectoryEntry {
  readonly uid?: string;
  readonly cn?: string;
}
