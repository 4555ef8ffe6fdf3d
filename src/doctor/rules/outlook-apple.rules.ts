import type { DomainView } from '../../admin/admin-store';
import {
  appleAuthentication,
  authenticationOf,
  socketTypeOf,
} from '../../mail-settings/client-vocabulary';
import type { Finding } from '../finding';
import {
  davServed,
  davSubject,
  davUrlHost,
  davUrlPath,
  domainSubject,
  servedOfType,
  serverField,
  serverSubject,
  type PlacedServer,
  type Rule,
} from './rule';

/**
 * What every client needs from a domain (an incoming and an outgoing server), and what
 * the Apple profile (mobileconfig.renderer.ts) makes of the data: it holds one incoming
 * server (IMAP, else POP) and one SMTP server, each the first encrypted one of its type,
 * else the first; it answers 400 when it cannot be made.
 */

/** The server of a type the Apple profile takes (mobileconfig.renderer.ts preferredServer). */
export function appleChoice(view: DomainView, type: string): PlacedServer | undefined {
  const ofType = servedOfType(view, type);
  const encrypted = (placed: PlacedServer) =>
    (socketTypeOf(placed.server.socket_type) ?? 'None') !== 'None';
  return ofType.find(encrypted) ?? ofType[0];
}

/** The incoming and outgoing server of the Apple profile, where there is one. */
export function appleServers(view: DomainView): PlacedServer[] {
  const incoming = appleChoice(view, 'imap') ?? appleChoice(view, 'pop');
  const outgoing = appleChoice(view, 'smtp');
  return [incoming, outgoing].filter((placed): placed is PlacedServer => placed !== undefined);
}

/** No SMTP server: autoconfig is rejected, Outlook cannot send, the profile is refused. */
export const smtpMissing: Rule = (view) => {
  if (servedOfType(view, 'smtp').length > 0) return [];
  return [
    {
      rule: 'smtp.missing',
      severity: 'error',
      clients: ['thunderbird', 'k9', 'outlook', 'apple'],
      subject: domainSubject(view),
      field: 'servers',
      effect:
        'The domain has no SMTP server: Thunderbird and K-9 reject the autoconfig document, ' +
        'Outlook gets no server to send with, and the Apple profile route answers 400.',
      fix: 'Add an SMTP server (submission, usually port 587 STARTTLS or 465 SSL).',
    },
  ];
};

/** No IMAP or POP server: nobody can receive, and the Apple profile cannot be made. */
export const noIncomingServer: Rule = (view) => {
  if (servedOfType(view, 'imap').length + servedOfType(view, 'pop').length > 0) return [];
  return [
    {
      rule: 'data.no-incoming-server',
      severity: 'error',
      clients: ['thunderbird', 'k9', 'outlook', 'apple'],
      subject: domainSubject(view),
      field: 'servers',
      effect:
        'The domain has no IMAP or POP server: Thunderbird and K-9 reject the autoconfig ' +
        'document, Outlook gets no incoming server, and the Apple profile route answers 400.',
      fix: 'Add an IMAP server (port 993 SSL or 143 STARTTLS).',
    },
  ];
};

/** GSSAPI, OAuth2 or client certificates on a server the Apple profile takes: no profile. */
export const appleAuthenticationRule: Rule = (view) =>
  appleServers(view).flatMap((placed): Finding[] => {
    const authentication = authenticationOf(placed.server.authentication);
    // Unknown values are data.unknown-authentication's (which names Apple too).
    if (authentication === undefined || appleAuthentication(authentication) !== undefined) {
      return [];
    }
    return [
      {
        rule: 'apple.unsupported-authentication',
        severity: 'error',
        clients: ['apple'],
        subject: serverSubject(placed),
        field: serverField(placed, 'authentication'),
        effect:
          `Apple profiles cannot express ${authentication} authentication for the server ` +
          'they take, so the profile route answers 400 for every address of the domain.',
        fix:
          'Use password authentication ("plain") for this server, or put an encrypted ' +
          'server with password authentication first among its type.',
      },
    ];
  });

/** A CardDAV principal URL with a path: macOS ignores CardDAVPrincipalURL. */
export const appleCardDavPrincipal: Rule = (view) =>
  view.davservers.flatMap((dav, index): Finding[] => {
    if (dav.type !== 'carddav' || !davServed(dav) || davUrlHost(view, dav.url) === undefined) {
      return [];
    }
    const path = davUrlPath(view, dav.url);
    if (path === undefined || path === '' || path === '/') return [];
    return [
      {
        rule: 'apple.carddav-principal-url',
        severity: 'info',
        clients: ['apple'],
        subject: davSubject(dav, index),
        field: `davservers[${index}].url`,
        effect:
          'macOS Contacts ignores CardDAVPrincipalURL and looks for the address book from ' +
          'the host alone (/.well-known/carddav); iOS uses the URL.',
        fix:
          'Make https://<host>/.well-known/carddav redirect to the principal URL (RFC 6764), ' +
          'or publish _carddavs._tcp SRV and TXT path= records.',
      },
    ];
  });

export const OUTLOOK_APPLE_RULES: readonly Rule[] = [
  smtpMissing,
  noIncomingServer,
  appleAuthenticationRule,
  appleCardDavPrincipal,
];
