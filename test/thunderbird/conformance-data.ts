/**
 * The data sets the conformance suite serves to Thunderbird, and the addresses it asks
 * about. `rich` is an export document (docs/export-format.md), which stores socket_type,
 * authentication and user_name exactly as written: every socket type and
 * authentication the schema sees in several spellings, standard and odd ports, POP-only,
 * SMTP-only and incoming-only domains, IDN domains and IDN server names, placeholders.
 */

import type { ExportServer } from '../../src/provisioning/export-format';

export type DataSetName = 'sample' | 'seed-example' | 'rich';

function server(
  domain: string,
  type: string,
  name: string,
  port: number,
  socketType: string,
  authentication: string,
  prio: number,
  userName = '%EMAILADDRESS%',
): ExportServer {
  return {
    type,
    name,
    port,
    socket_type: socketType,
    user_name: userName,
    authentication,
    prio,
    domains: [domain],
  };
}

const tls = (type: string, label: string, port: number, socketType: string, prio: number) =>
  server('tls.example', type, `${label}.tls.example`, port, socketType, 'plain', prio);

/** One server per authentication value (implicit TLS, so only the authentication varies). */
const AUTHENTICATIONS: readonly (readonly [string, string])[] = [
  ['password-cleartext', 'cleartext'],
  ['password-encrypted', 'encrypted'],
  ['secure', 'secure'],
  ['NTLM', 'ntlm'],
  ['GSSAPI', 'gssapi'],
  ['OAuth2', 'oauth2'],
  ['oauth2', 'oauth2-lower'],
  ['none', 'none'],
  ['client-IP-address', 'client-ip'],
  ['TLS-client-cert', 'client-cert'],
  ['PLAIN', 'plain-upper'],
  ['plain', 'plain'],
];

const authServers = (type: 'imap' | 'smtp', port: number) =>
  AUTHENTICATIONS.map(([authentication, label], index) =>
    server(
      'auth.example',
      type,
      `${type}-${label}.auth.example`,
      port,
      'SSL',
      authentication,
      10 * (index + 1),
    ),
  );

const placeholders = (type: string, name: string, port: number, prio: number, user: string) =>
  server('placeholders.example', type, name, port, 'SSL', 'plain', prio, user);

const simple = (domain: string, type: string, name: string, port: number, socketType: string) =>
  server(domain, type, name, port, socketType, 'plain', 10);

const RICH_DOMAINS = [
  'tls.example',
  'cleartext.example',
  'auth.example',
  'oauth.example',
  'pop.example',
  'smtp-only.example',
  'incoming-only.example',
  'idn-hosts.example',
  'placeholders.example',
];

export const RICH_EXPORT_DOCUMENT = {
  version: 2,
  format: 'automx2-nest-export',
  export_version: 1,
  providers: [
    { id: 1, name: 'Conformance Mail', short_name: 'Conformance' },
    { id: 2, name: 'Münchner Post', short_name: 'MüPost' },
  ],
  ldapservers: [],
  domains: [
    ...RICH_DOMAINS.map((name) => ({ name, provider_id: 1, ldapserver_id: null })),
    { name: 'münchen.example', provider_id: 2, ldapserver_id: null },
  ],
  servers: [
    tls('imap', 'imap-ssl', 993, 'SSL', 10),
    tls('imap', 'imap-starttls', 143, 'STARTTLS', 20),
    tls('imap', 'imap-ssl-lower', 993, 'ssl', 30),
    tls('imap', 'imap-starttls-mixed', 143, 'Starttls', 40),
    tls('imap', 'imap-auto', 143, 'auto', 50),
    tls('imap', 'imap-auto-993', 993, 'Auto', 55),
    tls('imap', 'imap-starttls-odd', 10143, 'STARTTLS', 60),
    tls('imap', 'imap-ssl-143', 143, 'SSL', 65),
    tls('pop', 'pop-ssl', 995, 'SSL', 70),
    tls('pop', 'pop-starttls', 110, 'STARTTLS', 80),
    tls('smtp', 'smtp-submission', 587, 'STARTTLS', 10),
    tls('smtp', 'smtp-ssl', 465, 'SSL', 20),
    tls('smtp', 'smtp-starttls-odd', 2525, 'STARTTLS', 30),
    tls('smtp', 'smtp-auto', 25, 'auto', 40),
    server('cleartext.example', 'imap', 'imap.cleartext.example', 143, 'None', 'plain', 10),
    server('cleartext.example', 'imap', 'imap2.cleartext.example', 143, 'NONE', 'plain', 20),
    server('cleartext.example', 'pop', 'pop.cleartext.example', 110, 'plain', 'plain', 30),
    server('cleartext.example', 'smtp', 'smtp.cleartext.example', 25, 'None', 'plain', 10),
    server('cleartext.example', 'smtp', 'smtp2.cleartext.example', 587, 'plain', 'plain', 20),
    ...authServers('imap', 993),
    ...authServers('smtp', 465),
    server('oauth.example', 'imap', 'imap.gmail.com', 993, 'SSL', 'OAuth2', 10),
    server('oauth.example', 'smtp', 'smtp.gmail.com', 465, 'SSL', 'oauth2', 10),
    simple('pop.example', 'pop', 'pop.pop.example', 995, 'SSL'),
    simple('pop.example', 'smtp', 'smtp.pop.example', 465, 'SSL'),
    simple('smtp-only.example', 'smtp', 'smtp.smtp-only.example', 587, 'STARTTLS'),
    simple('incoming-only.example', 'imap', 'imap.incoming-only.example', 993, 'SSL'),
    simple('idn-hosts.example', 'imap', 'imap.bücher.example', 993, 'SSL'),
    simple('idn-hosts.example', 'smtp', 'smtp.bücher.example', 465, 'SSL'),
    simple('münchen.example', 'imap', 'imap.münchen.example', 993, 'SSL'),
    simple('münchen.example', 'smtp', 'mail.muenchen.example', 587, 'STARTTLS'),
    placeholders('imap', 'imap.placeholders.example', 993, 10, '%EMAILLOCALPART%'),
    placeholders('imap', 'imap2.placeholders.example', 993, 20, '%EMAILADDRESS%'),
    placeholders('imap', 'imap3.placeholders.example', 993, 30, '%EMAILLOCALPART%@%EMAILDOMAIN%'),
    placeholders('imap', 'imap4.placeholders.example', 993, 40, '%EMAILDOMAIN%'),
    placeholders('pop', 'pop.placeholders.example', 995, 50, 'shared-mailbox'),
    placeholders('pop', 'pop2.placeholders.example', 995, 60, '0815'),
    placeholders('smtp', 'smtp.placeholders.example', 465, 10, '%EMAILADDRESS%'),
    placeholders('smtp', 'smtp2.placeholders.example', 465, 20, '%EMAILLOCALPART%'),
  ],
  davservers: [],
};

/**
 * Rows the import refuses (ports outside 1-65535) but a database may hold from before:
 * added with plain SQL after the import. Answers must leave these servers out.
 */
export const RICH_UNUSABLE_ROWS_SQL = `
  INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication)
  VALUES (90, 'imap-port-zero.tls.example', 0, 'imap', 'SSL', '%EMAILADDRESS%', 'plain'),
         (95, 'smtp-port-70000.tls.example', 70000, 'smtp', 'STARTTLS', '%EMAILADDRESS%', 'plain');
  INSERT INTO server_domain (server_id, domain_id)
  SELECT s.id, d.id FROM server s, domain d
   WHERE s.name IN ('imap-port-zero.tls.example', 'smtp-port-70000.tls.example')
     AND d.name = 'tls.example';
`;

/** The addresses each data set is asked about (as a user types them into Thunderbird). */
export const ADDRESSES: Readonly<Record<DataSetName, readonly string[]>> = {
  sample: [
    'alice@example.com',
    'alice@example.net',
    'alice@example.org',
    'alice@ham-n-eggs.tld',
    'alice@serverless.tld',
  ],
  'seed-example': [
    'alice@example.com',
    'alice@example.org',
    'alice@xn--bcher-kva.example',
    'alice@bücher.example',
  ],
  rich: [
    ...RICH_DOMAINS.map((domain) => `alice@${domain}`),
    'Mixed.Case+tag@Tls.Example',
    'first.last+tag@placeholders.example',
    'UPPER.Case@PLACEHOLDERS.EXAMPLE',
    '0815@placeholders.example',
    'alice@xn--mnchen-3ya.example',
    'alice@münchen.example',
  ],
};
