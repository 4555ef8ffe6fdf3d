/**
 * Stored server types as Mozilla autoconfig clients read them (BEHAVIOUR.md §4).
 * Socket types and authentications: mail-settings/client-vocabulary.ts.
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

/**
 * The element for a stored server type (`imap`, `pop`, `smtp`, exactly, as upstream
 * compares them), or `undefined` for any other value.
 */
export function autoconfigServerKind(storedType: string): AutoconfigServerKind | undefined {
  return SERVER_KINDS.get(storedType);
}
