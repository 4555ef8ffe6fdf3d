/**
 * The account a client sets up, in the words of the preview's one-line summary:
 * `IMAP imap.example.com:993 TLS, password, user alice@example.org; SMTP …`.
 */

/** What a client reads from a document: whether it sets up an account, and which. */
export interface ClientReading {
  readonly accepted: boolean;
  readonly summary: string;
}

export interface AccountServer {
  /** `IMAP`, `POP3` or `SMTP`. */
  readonly protocol: string;
  readonly host: string;
  /** null: the client's default port for the protocol. */
  readonly port: number | null;
  /** `TLS` (implicit), `STARTTLS`, `none`, or the client's own word (Apple: `SSL/TLS (UseSSL)`). */
  readonly security: string;
  /** `password`, `encrypted password`, `OAuth2` … */
  readonly authentication: string;
  /** null: the client asks the user; an empty name is summarised as `user ""`. */
  readonly user: string | null;
}

/** The summary words for Mozilla's authentication names (as Thunderbird and K-9 read them). */
const AUTHENTICATION_WORDS: Readonly<Record<string, string>> = {
  'password-cleartext': 'password',
  plain: 'password',
  'password-encrypted': 'encrypted password',
  secure: 'encrypted password',
  OAuth2: 'OAuth2',
  NTLM: 'NTLM',
  GSSAPI: 'Kerberos (GSSAPI)',
  'client-IP-address': 'no authentication (client IP address)',
  'TLS-client-cert': 'TLS client certificate',
  none: 'no authentication',
};

export function authenticationWord(mozillaName: string): string {
  return AUTHENTICATION_WORDS[mozillaName] ?? mozillaName;
}

/** `IMAP imap.example.com:993 TLS, password, user alice@example.org` */
export function describeServer(server: AccountServer): string {
  const where =
    server.port === null ? `${server.host} (default port)` : `${server.host}:${server.port}`;
  const user =
    server.user === null
      ? 'asks for the user name'
      : `user ${server.user === '' ? '""' : server.user}`;
  return `${server.protocol} ${where} ${server.security}, ${server.authentication}, ${user}`;
}

/** An accepted document: its incoming and outgoing server, `; `-separated. */
export function accepted(servers: readonly AccountServer[]): ClientReading {
  return { accepted: true, summary: servers.map(describeServer).join('; ') };
}

/** A document the client refuses as a whole. */
export function rejected(why: string): ClientReading {
  return { accepted: false, summary: `rejects the document: ${why}` };
}

/** An answer without a document (204, 400 …), with the route's reason when it gave one. */
export function noConfiguration(status: number, reason: string | null): ClientReading {
  const detail = reason === null || reason === '' ? '' : `: ${reason}`;
  return { accepted: false, summary: `no configuration (HTTP ${status}${detail})` };
}
