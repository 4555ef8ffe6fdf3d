import type { EmailAddress } from '../../mail-settings/mailbox';
import { expandPlaceholders } from '../../mail-settings/placeholders';
import { jxonText, jxonValue } from '../../mail-settings/thunderbird-jxon';
import { thunderbirdKnowsOAuth2Host } from '../../mail-settings/thunderbird-oauth2-hosts';
import {
  accepted,
  authenticationWord,
  rejected,
  type AccountServer,
  type ClientReading,
} from './account-summary';
import { emailProviderOf } from './client-config';
import { childElements, childText, type XmlElement } from './xml-elements';

/**
 * Reads a clientConfig document as Thunderbird does (comm-central readFromXML): every
 * value through its JXON conversion (an empty element is `true`, digits are a number,
 * so `007` is `7`), each server checked on its own and skipped when it fails (OAuth2 on
 * a host Thunderbird has no OAuth2 provider for is such a failure), the first usable
 * incoming (imap, pop3) and outgoing (smtp) server taken. Without one of each the
 * document is refused.
 */

/** Thunderbird's socketType words, as the summary says them. */
const SOCKET_TYPES: Readonly<Record<string, string>> = {
  SSL: 'TLS',
  STARTTLS: 'STARTTLS',
  plain: 'none',
};

const INCOMING_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'plain',
  'password-encrypted',
  'secure',
  'GSSAPI',
  'NTLM',
  'OAuth2',
]);

const OUTGOING_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  ...INCOMING_AUTHENTICATIONS,
  'client-IP-address',
  'none',
]);

const INCOMING_TYPES: Readonly<Record<string, string>> = { imap: 'IMAP', pop3: 'POP3' };

type ServerResult = { readonly server: AccountServer } | { readonly problem: string };

export function readThunderbird(document: string, address: EmailAddress): ClientReading {
  const provider = emailProviderOf(document);
  if (provider === null) return rejected('not a clientConfig document');
  const incoming = firstUsable(
    childElements(provider, 'incomingServer').map((element) => {
      const protocol = INCOMING_TYPES[element.getAttribute('type') ?? ''];
      if (protocol === undefined) return { problem: 'type is not imap or pop3' };
      return readServer(element, protocol, INCOMING_AUTHENTICATIONS, address);
    }),
  );
  if ('problem' in incoming) return rejected(`no usable incoming server (${incoming.problem})`);
  const outgoing = firstUsable(
    childElements(provider, 'outgoingServer').map((element) =>
      element.getAttribute('type') === 'smtp'
        ? readServer(element, 'SMTP', OUTGOING_AUTHENTICATIONS, address)
        : { problem: 'type is not smtp' },
    ),
  );
  if ('problem' in outgoing) return rejected(`no usable SMTP server (${outgoing.problem})`);
  return accepted([incoming.server, outgoing.server]);
}

/** The first usable server; else the last one's problem, which Thunderbird reports. */
function firstUsable(results: readonly ServerResult[]): ServerResult {
  return (
    results.find((result) => 'server' in result) ??
    results[results.length - 1] ?? { problem: 'there is none' }
  );
}

function readServer(
  element: XmlElement,
  protocol: string,
  authentications: ReadonlySet<string>,
  address: EmailAddress,
): ServerResult {
  const documentHost = thunderbirdHostname(childText(element, 'hostname'));
  if (documentHost === null) return { problem: 'no hostname' };
  const host = expandPlaceholders(documentHost, address);
  const port = thunderbirdInteger(childText(element, 'port'));
  if (!(port >= 1 && port <= 65535)) return { problem: `${host}: port outside 1-65535` };
  const socketType = childElements(element, 'socketType')
    .map((child) => SOCKET_TYPES[jxonText(child.textContent ?? '')])
    .find((word) => word !== undefined);
  if (socketType === undefined) return { problem: `${host}: no socketType it knows` };
  const names = childElements(element, 'authentication')
    .map((child) => jxonText(child.textContent ?? ''))
    .filter((name) => authentications.has(name));
  // OAuth2 counts only on a host Thunderbird has an OAuth2 provider for, looked up as
  // the document writes it (placeholders not yet filled); otherwise the next one counts.
  const authentication = names.find(
    (name) => name !== 'OAuth2' || thunderbirdKnowsOAuth2Host(documentHost),
  );
  if (authentication === undefined) {
    return {
      problem: names.includes('OAuth2')
        ? `${host}: OAuth2, and Thunderbird has no OAuth2 provider for this host`
        : `${host}: no authentication it knows`,
    };
  }
  const user = childText(element, 'username');
  return {
    server: {
      protocol,
      host,
      port,
      security: socketType,
      authentication: authenticationWord(authentication),
      user: user === null ? null : expandPlaceholders(jxonText(user), address),
    },
  };
}

/**
 * The host name as InputSanitizer.hostname takes it: a false, zero or NaN value is
 * none, other text is trimmed and lower-cased (a name with placeholders keeps its
 * case); null when there is none.
 */
function thunderbirdHostname(text: string | null): string | null {
  if (text === null) return null;
  const value = jxonValue(text);
  if (!value) return null;
  const host = String(value).trim();
  if (host === '') return null;
  return /%[A-Z0-9]+%/.test(host) ? host : host.toLowerCase();
}

/** The port as InputSanitizer.integer takes it: numbers truncated, text by parseInt; NaN when none. */
function thunderbirdInteger(text: string | null): number {
  if (text === null) return NaN;
  const value = jxonValue(text);
  if (typeof value === 'number' && !Number.isNaN(value)) return Math.trunc(value);
  return parseInt(String(value), 10);
}
