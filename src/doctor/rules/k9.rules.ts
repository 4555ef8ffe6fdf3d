import type { DomainView } from '../../admin/admin-store';
import { authenticationOf, socketTypeOf } from '../../mail-settings/client-vocabulary';
import type { Finding } from '../finding';
import {
  domainSubject,
  servedOfType,
  servedServers,
  serverField,
  serverSubject,
  type PlacedServer,
  type Rule,
} from './rule';

/**
 * Thunderbird for Android (K-9) reads our autoconfig document (RealAutoconfigParser):
 * only IMAP incoming and SMTP outgoing servers, and any flaw in one of those rejects the
 * whole document (CLIENTS.md). Judged on what the autoconfig renderer writes: `None` and
 * `plain` go out as `plain`, `plain` authentication as `password-cleartext`, `secure` as
 * `password-encrypted` (client-vocabulary.ts). Unknown socket types and authentications
 * are data.rules.ts's business.
 */

/** The authentications K-9 takes (Mozilla words; what `plain` and `secure` map to). */
const K9_AUTHENTICATIONS: ReadonlySet<string> = new Set([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
]);

/** The servers K-9 reads: IMAP and SMTP, exactly spelt, with a usable port. */
function k9Servers(view: DomainView): PlacedServer[] {
  return servedServers(view).filter(({ server }) => ['imap', 'smtp'].includes(server.type));
}

/** `None`/`plain` on an IMAP or SMTP server: the document says `plain`, K-9 rejects it. */
export const k9Unencrypted: Rule = (view) =>
  k9Servers(view)
    .filter(({ server }) => socketTypeOf(server.socket_type) === 'None')
    .map((placed): Finding => ({
      rule: 'k9.unencrypted',
      severity: 'error',
      clients: ['k9'],
      subject: serverSubject(placed),
      field: serverField(placed, 'socket_type'),
      effect:
        `The document says socketType "plain" for this ${placed.server.type.toUpperCase()} ` +
        'server; K-9 accepts only SSL or STARTTLS and rejects the whole document.',
      fix: 'Offer the server with SSL (implicit TLS) or STARTTLS and store that socket type.',
    }));

/** An IMAP or SMTP server whose authentication is not a password or OAuth2. */
export const k9Authentication: Rule = (view) =>
  k9Servers(view).flatMap((placed): Finding[] => {
    const authentication = authenticationOf(placed.server.authentication);
    if (authentication === undefined || K9_AUTHENTICATIONS.has(authentication)) return [];
    return [
      {
        rule: 'k9.authentication',
        severity: 'error',
        clients: ['k9'],
        subject: serverSubject(placed),
        field: serverField(placed, 'authentication'),
        effect:
          `The document says authentication "${authentication}"; K-9 needs ` +
          'password-cleartext, password-encrypted or OAuth2 on every IMAP and SMTP server ' +
          'and rejects the whole document.',
        fix: 'Store "plain" (password) or "OAuth2" as the authentication of this server.',
      },
    ];
  });

/** POP but no IMAP: K-9's autoconfig takes only IMAP, so it finds no incoming server. */
export const k9PopOnly: Rule = (view) => {
  if (servedOfType(view, 'pop').length === 0 || servedOfType(view, 'imap').length > 0) return [];
  return [
    {
      rule: 'k9.pop-only',
      severity: 'error',
      clients: ['k9'],
      subject: domainSubject(view),
      field: 'servers',
      effect:
        'The domain offers POP but no IMAP server; K-9 reads only IMAP from autoconfig, ' +
        'finds no incoming server and the automatic setup fails.',
      fix: 'Add an IMAP server (or change the POP server to IMAP if it speaks IMAP).',
    },
  ];
};

export const K9_RULES: readonly Rule[] = [k9Unencrypted, k9Authentication, k9PopOnly];
