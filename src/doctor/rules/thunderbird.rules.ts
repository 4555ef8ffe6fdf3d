import type { DomainView } from '../../admin/admin-store';
import { asciiHostname } from '../../mail-settings/ascii-names';
import { jxonText } from '../../mail-settings/thunderbird-jxon';
import {
  authenticationOf,
  socketTypeOf,
  type Authentication,
} from '../../mail-settings/client-vocabulary';
import type { Finding } from '../finding';
import {
  MAIL_TYPES,
  servedServers,
  serverField,
  serverSubject,
  type PlacedServer,
  type Rule,
} from './rule';
import { thunderbirdKnowsOAuth2Host } from '../../mail-settings/thunderbird-oauth2-hosts';

/**
 * Thunderbird (desktop) reads our autoconfig document (readFromXML) and, when that
 * cannot be fetched, our Autodiscover answer (readAutoDiscoverXML); both go through
 * JXON, which reads an empty element as `true` and number-like text as a number.
 */

/** Thunderbird's guess for an encrypted Autodiscover server: STARTTLS on these ports. */
const STARTTLS_PORTS: ReadonlySet<number> = new Set([143, 110, 25, 587]);

/** Authentications for which no user name is sent. */
const NO_USER_NAME: ReadonlySet<Authentication | undefined> = new Set([
  'none',
  'client-IP-address',
]);

const PLACEHOLDER = /%[A-Za-z]+%/;

/** Mail servers of the three types both documents carry. */
function mailServers(view: DomainView): PlacedServer[] {
  return servedServers(view).filter(({ server }) => MAIL_TYPES.has(server.type));
}

/** STARTTLS on a port Thunderbird does not guess STARTTLS for, or SSL on one it does. */
export const thunderbirdAutodiscoverPort: Rule = (view) =>
  mailServers(view).flatMap((placed): Finding[] => {
    const socketType = socketTypeOf(placed.server.socket_type);
    const standard = STARTTLS_PORTS.has(placed.server.port);
    if (socketType === 'STARTTLS' && !standard) {
      return [
        {
          rule: 'thunderbird.autodiscover-starttls-port',
          severity: 'warning',
          clients: ['thunderbird'],
          subject: serverSubject(placed),
          field: serverField(placed, 'port'),
          effect:
            `Through Autodiscover (its fallback when autoconfig fails) Thunderbird ignores ` +
            `Encryption and uses implicit TLS on port ${placed.server.port}, where the ` +
            'server expects STARTTLS: the connection fails.',
          fix: 'Use a standard STARTTLS port (143, 110, 25, 587) or offer implicit TLS (SSL) on this port.',
        },
      ];
    }
    if (socketType === 'SSL' && standard) {
      return [
        {
          rule: 'thunderbird.autodiscover-ssl-port',
          severity: 'warning',
          clients: ['thunderbird'],
          subject: serverSubject(placed),
          field: serverField(placed, 'port'),
          effect:
            `Through Autodiscover (its fallback when autoconfig fails) Thunderbird uses ` +
            `STARTTLS on port ${placed.server.port}, where the server expects implicit TLS: ` +
            'the connection fails.',
          fix: 'Use an implicit TLS port (993, 995, 465) for SSL, or store STARTTLS if the server speaks it.',
        },
      ];
    }
    return [];
  });

/**
 * The servers Thunderbird skips in the autoconfig document, each with what that does: the
 * next server of its direction is offered (warning), or, when every server of that
 * direction is skipped, the whole document is rejected (error).
 */
function skippedServers(
  servers: readonly PlacedServer[],
  skips: (placed: PlacedServer) => boolean,
): { placed: PlacedServer; direction: string; severity: Finding['severity']; then: string }[] {
  const outgoing = (placed: PlacedServer) => placed.server.type === 'smtp';
  return servers.filter(skips).map((placed) => {
    const direction = outgoing(placed) ? 'outgoing' : 'incoming';
    const last = servers.filter((other) => outgoing(other) === outgoing(placed)).every(skips);
    return {
      placed,
      direction,
      severity: last ? 'error' : 'warning',
      then: last
        ? `; with no other ${direction} server left it rejects the document.`
        : `, offering the next ${direction} server instead.`,
    };
  });
}

/** OAuth2 on a host Thunderbird has no provider for: readFromXML skips the server. */
export const thunderbirdOAuth2Host: Rule = (view) =>
  skippedServers(
    mailServers(view),
    (placed) =>
      authenticationOf(placed.server.authentication) === 'OAuth2' &&
      !thunderbirdKnowsOAuth2Host(asciiHostname(placed.server.name)),
  ).map(({ placed, severity, then }): Finding => ({
    rule: 'thunderbird.oauth2-without-provider',
    severity,
    clients: ['thunderbird'],
    subject: serverSubject(placed),
    field: serverField(placed, 'authentication'),
    effect:
      `Thunderbird has no OAuth2 provider for ${asciiHostname(placed.server.name)} and ` +
      `skips this server in the autoconfig document${then}`,
    fix:
      'Use password authentication ("plain") for this server, or a host Thunderbird ' +
      'knows an OAuth2 provider for.',
  }));

/**
 * Authentications readFromXML has no word for in that direction: `none`,
 * `client-IP-address` and `TLS-client-cert` on an incoming server, `TLS-client-cert` on
 * an outgoing one. It skips such a server.
 */
export function thunderbirdSkipsAuthentication(placed: PlacedServer): boolean {
  const authentication = authenticationOf(placed.server.authentication);
  if (placed.server.type === 'smtp') return authentication === 'TLS-client-cert';
  return (
    authentication === 'none' ||
    authentication === 'client-IP-address' ||
    authentication === 'TLS-client-cert'
  );
}

export const thunderbirdAuthentication: Rule = (view) =>
  skippedServers(mailServers(view), thunderbirdSkipsAuthentication).map(
    ({ placed, direction, severity, then }): Finding => ({
      rule: 'thunderbird.authentication-skipped',
      severity,
      clients: ['thunderbird'],
      subject: serverSubject(placed),
      field: serverField(placed, 'authentication'),
      effect:
        `Thunderbird takes no "${placed.server.authentication}" authentication for an ` +
        `${direction} server and skips it in the autoconfig document${then}`,
      fix: 'Use password authentication ("plain") for this server.',
    }),
  );

/**
 * An empty user name: JXON reads `<username />` (and `<LoginName />`) as `true`, a blank
 * one as `NaN`.
 */
export const thunderbirdEmptyUsername: Rule = (view) =>
  mailServers(view)
    .filter(
      ({ server }) =>
        server.user_name.trim() === '' &&
        !NO_USER_NAME.has(authenticationOf(server.authentication)),
    )
    .map((placed): Finding => ({
      rule: 'thunderbird.empty-username',
      severity: 'error',
      clients: ['thunderbird', 'k9'],
      subject: serverSubject(placed),
      field: serverField(placed, 'user_name'),
      effect:
        `The documents carry an empty user name: Thunderbird reads it as ` +
        `"${jxonText(placed.server.user_name)}" and logs in with that; K-9 sets the ` +
        'account up with no user name. Login fails until the user types the right one.',
      fix: 'Store the user name, usually %EMAILADDRESS% or %EMAILLOCALPART%.',
    }));

/** A user name JXON turns into a different text (`0815` → `815`, `1e3` → `1000`). */
export const thunderbirdNumericUsername: Rule = (view) =>
  mailServers(view).flatMap((placed): Finding[] => {
    const stored = placed.server.user_name;
    if (stored.trim() === '' || PLACEHOLDER.test(stored)) return [];
    const reading = jxonText(stored);
    if (reading === stored) return [];
    return [
      {
        rule: 'thunderbird.numeric-username',
        severity: 'error',
        clients: ['thunderbird'],
        subject: serverSubject(placed),
        field: serverField(placed, 'user_name'),
        effect:
          `Thunderbird reads the user name "${stored}" as a number or boolean and logs in ` +
          `as "${reading}": login fails.`,
        fix: 'Use a user name Thunderbird keeps as text, e.g. the full address (%EMAILADDRESS%).',
      },
    ];
  });

export const THUNDERBIRD_RULES: readonly Rule[] = [
  thunderbirdAutodiscoverPort,
  thunderbirdOAuth2Host,
  thunderbirdAuthentication,
  thunderbirdEmptyUsername,
  thunderbirdNumericUsername,
];
