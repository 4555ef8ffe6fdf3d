/**
 * The one place where stored `server.socket_type` and `server.authentication` values
 * become the words each client format uses (BEHAVIOUR.md §4–§6, CLIENTS.md).
 *
 * Stored values are free text (automx2 writes `STARTTLS` and `plain`; operators write
 * `ssl`, `OAuth2`, `oauth2`, `PLAIN` …). They are matched case-insensitively and
 * without surrounding whitespace; clients compare their vocabularies case-sensitively,
 * so every answer carries the canonical spelling. A value no vocabulary knows stays as
 * stored where a format can carry free text, and is treated as encrypted (never as
 * "no encryption") where a format needs a yes/no.
 */

/** How a server's connection is secured. `None` also covers automx2's `plain`. */
export type SocketType = 'SSL' | 'STARTTLS' | 'Auto' | 'None';

/** Mozilla's authentication vocabulary, which our other formats are mapped from. */
export type Authentication =
  | 'password-cleartext'
  | 'password-encrypted'
  | 'NTLM'
  | 'GSSAPI'
  | 'client-IP-address'
  | 'TLS-client-cert'
  | 'OAuth2'
  | 'none';

const SOCKET_TYPES: ReadonlyMap<string, SocketType> = new Map([
  ['ssl', 'SSL'],
  ['starttls', 'STARTTLS'],
  ['auto', 'Auto'],
  ['none', 'None'],
  ['plain', 'None'],
]);

/** Keys are lower case; `plain` and `secure` are automx2's (and Mozilla's legacy) names. */
const AUTHENTICATIONS: ReadonlyMap<string, Authentication> = new Map([
  ['password-cleartext', 'password-cleartext'],
  ['plain', 'password-cleartext'],
  ['password-encrypted', 'password-encrypted'],
  ['secure', 'password-encrypted'],
  ['ntlm', 'NTLM'],
  ['gssapi', 'GSSAPI'],
  ['client-ip-address', 'client-IP-address'],
  ['tls-client-cert', 'TLS-client-cert'],
  ['oauth2', 'OAuth2'],
  ['none', 'none'],
]);

export function socketTypeOf(stored: string): SocketType | undefined {
  return SOCKET_TYPES.get(stored.trim().toLowerCase());
}

export function authenticationOf(stored: string): Authentication | undefined {
  return AUTHENTICATIONS.get(stored.trim().toLowerCase());
}

/**
 * Whether the connection is encrypted (SSL, STARTTLS or Auto). Unknown values count as
 * encrypted: a client that then fails to negotiate TLS is better than one that sends
 * the password in the clear.
 */
export function isEncrypted(stored: string): boolean {
  return socketTypeOf(stored) !== 'None';
}

// ---------------------------------------------------------------------------
// Mozilla autoconfig (Thunderbird, K-9 / Thunderbird for Android, Evolution, KMail)
// ---------------------------------------------------------------------------

const MOZILLA_SOCKET_TYPES: Readonly<Record<SocketType, string>> = {
  SSL: 'SSL',
  STARTTLS: 'STARTTLS',
  // Mozilla has no opportunistic mode; STARTTLS is the encrypted reading of it.
  Auto: 'STARTTLS',
  None: 'plain',
};

/** `SSL`, `STARTTLS` or `plain`; an unknown value as stored. */
export function mozillaSocketType(stored: string): string {
  const socketType = socketTypeOf(stored);
  return socketType === undefined ? stored : MOZILLA_SOCKET_TYPES[socketType];
}

/** The canonical Mozilla word (`plain` → `password-cleartext` …); unknown as stored. */
export function mozillaAuthentication(stored: string): string {
  return authenticationOf(stored) ?? stored;
}

// ---------------------------------------------------------------------------
// Outlook POX Autodiscover (Outlook, Thunderbird's Autodiscover fallback)
// ---------------------------------------------------------------------------

export interface OutlookSecurity {
  /** `off` only for unencrypted servers: Thunderbird then uses no encryption at all. */
  readonly ssl: 'on' | 'off';
  /** Outlook's `Encryption` (`TLS` = STARTTLS); absent for unknown socket types. */
  readonly encryption?: 'SSL' | 'TLS' | 'Auto' | 'None';
  /**
   * Secure Password Authentication: `on` for NTLM and GSSAPI (Outlook then uses
   * NTLM/Kerberos, Thunderbird an encrypted password); `off` otherwise, as a missing
   * or `on` SPA would make Thunderbird choose differently from the data.
   */
  readonly spa: 'on' | 'off';
}

const OUTLOOK_ENCRYPTION: Readonly<Record<SocketType, OutlookSecurity['encryption']>> = {
  SSL: 'SSL',
  STARTTLS: 'TLS',
  Auto: 'Auto',
  None: 'None',
};

const SPA_AUTHENTICATIONS: ReadonlySet<Authentication | undefined> = new Set(['NTLM', 'GSSAPI']);

export function outlookSecurity(socketType: string, authentication: string): OutlookSecurity {
  const socket = socketTypeOf(socketType);
  return {
    ssl: socket === 'None' ? 'off' : 'on',
    encryption: socket === undefined ? undefined : OUTLOOK_ENCRYPTION[socket],
    spa: SPA_AUTHENTICATIONS.has(authenticationOf(authentication)) ? 'on' : 'off',
  };
}

// ---------------------------------------------------------------------------
// Apple configuration profiles (com.apple.mail.managed)
// ---------------------------------------------------------------------------

/**
 * Apple's `…MailServerAuthentication` values. GSSAPI, OAuth2 and client certificates
 * have no profile equivalent (undefined: the profile cannot be made).
 */
const APPLE_AUTHENTICATIONS: ReadonlyMap<Authentication, string> = new Map([
  ['password-cleartext', 'EmailAuthPassword'],
  ['password-encrypted', 'EmailAuthCRAMMD5'],
  ['NTLM', 'EmailAuthNTLM'],
  ['client-IP-address', 'EmailAuthNone'],
  ['none', 'EmailAuthNone'],
]);

export function appleAuthentication(stored: string): string | undefined {
  const authentication = authenticationOf(stored);
  return authentication === undefined ? undefined : APPLE_AUTHENTICATIONS.get(authentication);
}
