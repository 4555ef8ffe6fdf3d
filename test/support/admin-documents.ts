/**
 * Bodies for the admin API's tests: domain views (the body of `PUT /domains/{name}`),
 * the columns of shared rows, and generated export documents (`POST /import`,
 * `automx2-nest import`), all in the API's snake_case vocabulary.
 */
import type {
  DavServerView,
  LdapServerView,
  ProviderView,
  ServerView,
} from '../../src/admin/admin-store';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportDavServer,
  type ExportDocument,
  type ExportDomain,
  type ExportLdapServer,
  type ExportProvider,
  type ExportServer,
} from '../../src/provisioning/export-format';

export type ServerColumns = Omit<ServerView, 'id'>;
export type DavServerColumns = Omit<DavServerView, 'id'>;
export type LdapServerColumns = Omit<LdapServerView, 'id'>;
export type ProviderColumns = Omit<ProviderView, 'id'>;

/** The body of `PUT /domains/{name}` (ids left out, as the API allows). */
export interface DomainBody {
  readonly name?: string;
  readonly provider: ProviderColumns;
  readonly ldapserver?: LdapServerColumns | null;
  readonly servers: readonly ServerColumns[];
  readonly davservers?: readonly DavServerColumns[];
}

export const imapServer = (name: string, change: Partial<ServerColumns> = {}): ServerColumns => ({
  type: 'imap',
  name,
  port: 993,
  socket_type: 'SSL',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: 10,
  ...change,
});

export const smtpServer = (name: string, change: Partial<ServerColumns> = {}): ServerColumns => ({
  type: 'smtp',
  name,
  port: 587,
  socket_type: 'STARTTLS',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: 10,
  ...change,
});

export const davServer = (
  url: string,
  change: Partial<DavServerColumns> = {},
): DavServerColumns => ({
  type: 'caldav',
  url,
  port: 0,
  use_ssl: true,
  domain_required: true,
  user_name: '%EMAILADDRESS%',
  ...change,
});

export const ldapServer = (
  name: string,
  change: Partial<LdapServerColumns> = {},
): LdapServerColumns => ({
  name,
  port: 636,
  use_ssl: true,
  search_base: 'dc=example,dc=com',
  search_filter: '(mail={0})',
  attr_uid: 'uid',
  attr_cn: 'cn',
  bind_user: 'cn=reader,dc=example,dc=com',
  bind_password: 'reader secret',
  ...change,
});

export const provider = (
  name: string,
  shortName = name.split(' ')[0] ?? name,
): ProviderColumns => ({
  name,
  short_name: shortName,
});

/**
 * A complete domain body for tests whose rows must not be shared with other tests:
 * every host name and the provider carry `tag`.
 */
export function domainBody(tag: string, change: Partial<DomainBody> = {}): DomainBody {
  return {
    provider: provider(`Provider ${tag}`, `P-${tag}`.slice(0, 32)),
    ldapserver: null,
    servers: [imapServer(`imap.${tag}.example`), smtpServer(`smtp.${tag}.example`)],
    davservers: [davServer(`https://dav.${tag}.example/`)],
    ...change,
  };
}

/** The body of a view as answered: the same without ids (what PUT accepts back). */
export function withoutIds(view: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(view, (key, value: unknown) => (key === 'id' ? undefined : value)),
  ) as Record<string, unknown>;
}

export interface GeneratedExport {
  /** Domain names in document order. */
  readonly domains: readonly string[];
  readonly document: ExportDocument;
}

/**
 * An export document of `count` domains `<prefix><n>.example` of one provider, all
 * sharing one IMAP and one SMTP server (and a CalDAV server), the first half also an
 * LDAP server.
 */
export function generatedExport(
  prefix: string,
  count: number,
  hosts: { imap?: string; smtp?: string } = {},
): GeneratedExport {
  const names = Array.from(
    { length: count },
    (_, index) => `${prefix}${String(index).padStart(5, '0')}.example`,
  );
  const providers: ExportProvider[] = [
    { id: 1, name: `Generated ${prefix}`, short_name: `Gen-${prefix}`.slice(0, 32) },
  ];
  const ldapservers: ExportLdapServer[] = [{ id: 1, ...ldapServer(`ldap.${prefix}.example`) }];
  const domains: ExportDomain[] = names.map((name, index) => ({
    name,
    provider_id: 1,
    ldapserver_id: index < count / 2 ? 1 : null,
  }));
  const servers: ExportServer[] = [
    { ...imapServer(hosts.imap ?? `imap.${prefix}.example`), domains: names },
    { ...smtpServer(hosts.smtp ?? `smtp.${prefix}.example`), domains: names },
  ];
  const davservers: ExportDavServer[] = [
    { ...davServer(`https://dav.${prefix}.example/`), domains: names },
  ];
  return {
    domains: names,
    document: exportDocument({ providers, ldapservers, domains, servers, davservers }),
  };
}

/** An export document of the given rows (the head added). */
export function exportDocument(rows: {
  readonly providers: readonly ExportProvider[];
  readonly ldapservers?: readonly ExportLdapServer[];
  readonly domains: readonly ExportDomain[];
  readonly servers: readonly ExportServer[];
  readonly davservers?: readonly ExportDavServer[];
}): ExportDocument {
  return {
    version: 2,
    format: EXPORT_FORMAT,
    export_version: EXPORT_VERSION,
    providers: rows.providers,
    ldapservers: rows.ldapservers ?? [],
    domains: rows.domains,
    servers: rows.servers,
    davservers: rows.davservers ?? [],
  };
}
