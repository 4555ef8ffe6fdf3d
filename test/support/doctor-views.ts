import type {
  DavServerView,
  DomainView,
  LdapServerView,
  ServerView,
} from '../../src/admin/admin-store';
import type { DomainSettings } from '../../src/mail-settings/domain-settings';
import { clientSettings } from '../../src/mail-settings/client-settings';

/**
 * Domain views for the doctor's tests: a healthy domain every client takes as it is,
 * and builders for one changed field at a time.
 */

let nextId = 1;

export function mailServer(fields: Partial<ServerView> = {}): ServerView {
  return {
    id: nextId++,
    type: 'imap',
    name: 'imap.example.com',
    port: 993,
    socket_type: 'SSL',
    user_name: '%EMAILADDRESS%',
    authentication: 'plain',
    prio: 10,
    ...fields,
  };
}

export function davServer(fields: Partial<DavServerView> = {}): DavServerView {
  return {
    id: nextId++,
    type: 'caldav',
    url: 'https://dav.example.com/',
    port: 0,
    use_ssl: true,
    domain_required: false,
    user_name: '%EMAILADDRESS%',
    ...fields,
  };
}

export function ldapServer(fields: Partial<LdapServerView> = {}): LdapServerView {
  return {
    id: nextId++,
    name: 'ldap.example.com',
    port: 636,
    use_ssl: true,
    search_base: 'dc=example,dc=com',
    search_filter: '(mail={0})',
    attr_uid: 'uid',
    attr_cn: 'cn',
    bind_user: null,
    bind_password: null,
    ...fields,
  };
}

export const IMAP = (fields: Partial<ServerView> = {}) => mailServer(fields);
export const POP = (fields: Partial<ServerView> = {}) =>
  mailServer({ type: 'pop', name: 'pop.example.com', port: 995, ...fields });
export const SMTP = (fields: Partial<ServerView> = {}) =>
  mailServer({
    type: 'smtp',
    name: 'smtp.example.com',
    port: 587,
    socket_type: 'STARTTLS',
    ...fields,
  });

/** A domain view; without `servers`, one IMAP (993 SSL) and one SMTP (587 STARTTLS). */
export function domainView(fields: Partial<DomainView> = {}): DomainView {
  return {
    name: 'example.com',
    provider: { id: 1, name: 'Example', short_name: 'EX' },
    ldapserver: null,
    servers: [IMAP(), SMTP()],
    davservers: [davServer(), davServer({ type: 'carddav', url: 'https://dav.example.com/' })],
    ...fields,
  };
}

/** The settings the renderers get for a view (as MailboxResolver passes them on). */
export function settingsOf(view: DomainView): DomainSettings {
  return clientSettings({
    domainId: 1,
    domainName: view.name,
    provider: {
      id: view.provider.id,
      name: view.provider.name,
      shortName: view.provider.short_name,
    },
    providerDomains: [view.name],
    servers: view.servers.map((server) => ({
      id: server.id,
      prio: server.prio,
      name: server.name,
      port: server.port,
      type: server.type,
      socketType: server.socket_type,
      userName: server.user_name,
      authentication: server.authentication,
    })),
    davServers: view.davservers.map((dav) => ({
      id: dav.id,
      url: dav.url,
      port: dav.port,
      type: dav.type,
      useSsl: dav.use_ssl,
      domainRequired: dav.domain_required,
      userName: dav.user_name,
    })),
    ldapServer: null,
  });
}
