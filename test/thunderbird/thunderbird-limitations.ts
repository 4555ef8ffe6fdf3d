import type { DocumentKind, TbAuthMethod, TbSocketType } from './thunderbird-runner';
import { hasPlaceholder, isAscii, type TypedAddress } from './thunderbird-vocabulary';

/**
 * KNOWN THUNDERBIRD LIMITATIONS: where Thunderbird's own modules (140 and 153 ESR, read
 * in readFromXML.sys.mjs, ExchangeAutoDiscover.sys.mjs, AccountConfig.sys.mjs,
 * JXON.sys.mjs) cannot represent what the database says. Each entry states exactly what
 * Thunderbird then does; the suite expects precisely that, records the case as a
 * limitation instead of a failure, and still fails on any other difference. Such data is
 * what a lint should warn operators about.
 */

/** A server as Thunderbird should end up with it. */
export interface ExpectedServer {
  readonly type: string;
  readonly hostname: string;
  readonly port: number;
  readonly socketType: TbSocketType;
  readonly auth: TbAuthMethod;
  readonly username: string | null;
}

export interface ServerSituation {
  readonly format: DocumentKind;
  readonly direction: 'incoming' | 'outgoing';
  /** The expectation so far (the row in Thunderbird's words, earlier entries applied). */
  readonly server: ExpectedServer;
  /** `server.user_name` as stored (may hold placeholders). */
  readonly storedUsername: string;
  /** The user name as the document carries it (Autodiscover: placeholders filled in). */
  readonly documentUsername: string;
  /** Whether Thunderbird's OAuth2Providers knows this host for this server type. */
  readonly oauth2Provider: boolean;
}

export interface CaseSituation {
  readonly format: DocumentKind;
  readonly address: TypedAddress;
  readonly incoming: readonly ExpectedServer[];
  readonly outgoing: readonly ExpectedServer[];
}

type ServerEffect = 'dropped' | Partial<ExpectedServer> | undefined;

interface Limitation {
  readonly id: string;
  readonly formats: readonly DocumentKind[];
  readonly reason: string;
}

/** Applies to each server of the document, in order; a dropped one leaves the account. */
export interface ServerLimitation extends Limitation {
  readonly scope: 'server';
  readonly effect: (situation: ServerSituation) => ServerEffect;
}

/** Applies to an SMTP server after the first (Thunderbird keeps these as alternatives). */
export interface OutgoingAlternativeLimitation extends Limitation {
  readonly scope: 'outgoing-alternative';
  readonly effect: (situation: ServerSituation) => ServerEffect;
}

/** Decides that Thunderbird ends up with no account for the case at all. */
export interface CaseLimitation extends Limitation {
  readonly scope: 'case';
  readonly rejects: (situation: CaseSituation) => boolean;
}

/** JXON.build turns element text that looks like a number into a number. */
export function jxonText(text: string): string {
  if (text.trim() === '' || /^(true|false)$/i.test(text)) return text;
  return Number.isFinite(Number(text)) ? String(parseFloat(text)) : text;
}

/** Thunderbird's guess for an encrypted Autodiscover server: STARTTLS on the plain ports. */
const STARTTLS_PORTS: readonly number[] = [143, 110, 25, 587];

export const THUNDERBIRD_LIMITATIONS: readonly (
  ServerLimitation | OutgoingAlternativeLimitation | CaseLimitation
)[] = [
  {
    id: 'address-domain-not-ascii',
    scope: 'case',
    formats: ['autoconfig', 'autodiscover'],
    reason:
      'InputSanitizer.hostname accepts only ASCII letters, digits, "-" and "."; FetchConfig ' +
      'and fetchConfigFromExchange run it on the domain of the typed address before any ' +
      'request, so an address with a U-label domain gets no configuration (users must type ' +
      'the xn-- form)',
    rejects: ({ address }) => !isAscii(address.domain),
  },
  {
    id: 'incoming-auth-unknown-to-readFromXML',
    scope: 'server',
    formats: ['autoconfig'],
    reason:
      'readFromXML maps only password-cleartext, plain, password-encrypted, secure, GSSAPI, ' +
      'NTLM and OAuth2 for <incomingServer>; none, client-IP-address and TLS-client-cert ' +
      'throw "Supplied value not in allowed list" and the server is skipped',
    effect: ({ direction, server }) =>
      direction === 'incoming' && (server.auth === 'none' || server.auth === 'External')
        ? 'dropped'
        : undefined,
  },
  {
    id: 'outgoing-auth-unknown-to-readFromXML',
    scope: 'server',
    formats: ['autoconfig'],
    reason:
      'readFromXML has no TLS-client-cert for <outgoingServer> (its list: none, ' +
      'client-IP-address, smtp-after-pop, password-cleartext, plain, password-encrypted, ' +
      'secure, GSSAPI, NTLM, OAuth2): the server is skipped',
    effect: ({ direction, server }) =>
      direction === 'outgoing' && server.auth === 'External' ? 'dropped' : undefined,
  },
  {
    id: 'oauth2-host-without-provider',
    scope: 'server',
    formats: ['autoconfig'],
    reason:
      'readFromXML takes OAuth2 only for hosts that OAuth2Providers knows (Google, ' +
      'Microsoft, Yahoo, Fastmail, …); for any other host it throws "Lacking OAuth2 config ' +
      'for <host>" and the server is skipped',
    effect: ({ server, oauth2Provider }) =>
      server.auth === 'OAuth2' && !oauth2Provider ? 'dropped' : undefined,
  },
  {
    id: 'autodiscover-encryption-guessed-from-port',
    scope: 'server',
    formats: ['autodiscover'],
    reason:
      'readAutoDiscoverXML sets no encryption when SSL is off or Encryption is None; ' +
      'otherwise it ignores Encryption and guesses from the port: STARTTLS on 143, 110, 25 ' +
      'and 587, implicit TLS on every other port',
    effect: ({ server }) =>
      server.socketType === 'plain'
        ? undefined
        : { socketType: STARTTLS_PORTS.includes(server.port) ? 'alwaysSTARTTLS' : 'SSL' },
  },
  {
    id: 'autodiscover-auth-is-spa-only',
    scope: 'server',
    formats: ['autodiscover'],
    reason:
      'readAutoDiscoverXML reads authentication only from SPA: "on" becomes "any secure ' +
      'method" (nsMsgAuthMethod.secure, right for NTLM and GSSAPI), off or missing becomes ' +
      'password-cleartext; password-encrypted, OAuth2, none, client-IP-address and ' +
      'TLS-client-cert cannot be expressed',
    effect: ({ server }) => ({
      auth: server.auth === 'NTLM' || server.auth === 'GSSAPI' ? 'secure' : 'passwordCleartext',
    }),
  },
  {
    id: 'numeric-text-becomes-number',
    scope: 'server',
    formats: ['autoconfig', 'autodiscover'],
    reason:
      'JXON.build turns element text that looks like a number into a number, so a user ' +
      'name such as 0815 arrives as 815',
    effect: ({ documentUsername }) =>
      jxonText(documentUsername) === documentUsername
        ? undefined
        : { username: jxonText(documentUsername) },
  },
  {
    id: 'outgoing-alternatives-not-filled-in',
    scope: 'outgoing-alternative',
    formats: ['autoconfig'],
    reason:
      'Thunderbird offers only the first SMTP server; later ones stay in ' +
      'outgoingAlternatives, which AccountConfig.replaceVariables never fills in, so their ' +
      'placeholders stay',
    effect: ({ storedUsername }) =>
      hasPlaceholder(storedUsername) ? { username: storedUsername } : undefined,
  },
  {
    id: 'no-incoming-server',
    scope: 'case',
    formats: ['autoconfig', 'autodiscover'],
    reason:
      'An account needs an incoming server: readFromXML throws "Need proper ' +
      '<incomingServer>", AccountConfig.isComplete() is false for Autodiscover ("No valid ' +
      'configs found in AutoDiscover XML")',
    rejects: ({ incoming }) => incoming.length === 0,
  },
  {
    id: 'autoconfig-needs-outgoing-server',
    scope: 'case',
    formats: ['autoconfig'],
    reason:
      'readFromXML throws "Need proper <outgoingServer> in XML file" without a usable SMTP ' +
      'server (Autodiscover instead falls back to the default SMTP server of the profile)',
    rejects: ({ incoming, outgoing }) => incoming.length > 0 && outgoing.length === 0,
  },
];
