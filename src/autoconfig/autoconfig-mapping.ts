/**
 * Pure mappings from stored `server` values to what Mozilla autoconfig clients read
 * (BEHAVIOUR.md §4, CLIENTS.md "Autoconfig output rules").
 */

/** Element name and `type` attribute of one mail server in a clientConfig document. */
export interface AutoconfigServerKind {
  readonly element: 'incomingServer' | 'outgoingServer';
  readonly type: 'imap' | 'pop3' | 'smtp';
}

const SERVER_KINDS: ReadonlyMap<string, AutoconfigServerKind> = new Map([
  ['imap', { element: 'incomingServer', type: 'imap' }],
  ['pop', { element: 'incomingServer', type: 'pop3' }],
  ['smtp', { element: 'outgoingServer', type: 'smtp' }],
]);

/** Keys are lower-case stored values; Mozilla knows only `plain`, `SSL` and `STARTTLS`. */
const SOCKET_TYPES: ReadonlyMap<string, string> = new Map([
  ['ssl', 'SSL'],
  ['starttls', 'STARTTLS'],
  ['auto', 'STARTTLS'],
  ['none', 'plain'],
  ['plain', 'plain'],
]);

/** Keys are lower-case stored values: automx2's legacy names, which K-9 does not take. */
const AUTHENTICATIONS: ReadonlyMap<string, string> = new Map([
  ['plain', 'password-cleartext'],
  ['secure', 'password-encrypted'],
]);

/**
 * The element for a stored server type (`imap`, `pop`, `smtp`, exactly, as upstream
 * compares them), or `undefined` for any other value.
 */
export function autoconfigServerKind(storedType: string): AutoconfigServerKind | undefined {
  return SERVER_KINDS.get(storedType);
}

/**
 * `SSL`/`STARTTLS` stay, `None`/`plain` become `plain`, `Auto` becomes `STARTTLS`
 * (matched case-insensitively, written in Mozilla's spelling); anything else as stored.
 */
export function autoconfigSocketType(stored: string): string {
  return SOCKET_TYPES.get(stored.toLowerCase()) ?? stored;
}

/**
 * `plain` becomes `password-cleartext` and `secure` becomes `password-encrypted`
 * (case-insensitively); anything else as stored.
 */
export function autoconfigAuthentication(stored: string): string {
  return AUTHENTICATIONS.get(stored.toLowerCase()) ?? stored;
}
