import { parse, type PlistValue } from 'plist';
import { accepted, rejected, type AccountServer, type ClientReading } from './account-summary';

/**
 * Reads a configuration profile as Apple Mail and iOS do: the `com.apple.mail.managed`
 * payload's incoming (IMAP or POP) and outgoing server: host, port, UseSSL (implicit
 * TLS or STARTTLS, as the server offers), user name and authentication method. Parsed
 * with the `plist` package.
 */

const AUTHENTICATION_WORDS: Readonly<Record<string, string>> = {
  EmailAuthPassword: 'password',
  EmailAuthCRAMMD5: 'encrypted password (CRAM-MD5)',
  EmailAuthNTLM: 'NTLM',
  EmailAuthHTTPMD5: 'encrypted password (HTTP MD5)',
  EmailAuthNone: 'no authentication',
};

/**
 * UseSSL true: the device encrypts, with implicit TLS or STARTTLS as the server offers
 * (the profile cannot say which), so the summary does not claim either.
 */
const USE_SSL = 'SSL/TLS (UseSSL)';

const ACCOUNT_TYPES: Readonly<Record<string, string>> = {
  EmailTypeIMAP: 'IMAP',
  EmailTypePOP: 'POP3',
};

type Dict = Readonly<Record<string, PlistValue>>;

export function readApple(document: string): ClientReading {
  const profile = parsePlist(document);
  if (profile === null) return rejected('not a property list');
  const content = profile.PayloadContent;
  const mail = (Array.isArray(content) ? content : [])
    .filter(isDict)
    .find((payload) => payload.PayloadType === 'com.apple.mail.managed');
  if (mail === undefined) return rejected('no mail account payload');
  const protocol = ACCOUNT_TYPES[stringOf(mail.EmailAccountType) ?? ''];
  if (protocol === undefined) return rejected('no IMAP or POP account type');
  const incoming = readServer(mail, 'Incoming', protocol);
  const outgoing = readServer(mail, 'Outgoing', 'SMTP');
  if (incoming === null) return rejected('no incoming server host name');
  if (outgoing === null) return rejected('no outgoing server host name');
  return accepted([incoming, outgoing]);
}

function readServer(
  mail: Dict,
  direction: 'Incoming' | 'Outgoing',
  protocol: string,
): AccountServer | null {
  const key = (name: string) => mail[`${direction}Mail${name}`];
  const host = stringOf(key('ServerHostName'));
  if (host === undefined || host === '') return null;
  const port = key('ServerPortNumber');
  const method = stringOf(key('ServerAuthentication')) ?? '';
  return {
    protocol,
    host,
    port: typeof port === 'number' ? port : null,
    security: key('ServerUseSSL') === true ? USE_SSL : 'none',
    authentication: AUTHENTICATION_WORDS[method] ?? (method === '' ? 'password' : method),
    user: stringOf(key('ServerUsername')) ?? null,
  };
}

function parsePlist(document: string): Dict | null {
  if (document.trim() === '') return null;
  try {
    const value = parse(document);
    return isDict(value) ? value : null;
  } catch {
    return null;
  }
}

function isDict(value: unknown): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Date)
  );
}

function stringOf(value: PlistValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
