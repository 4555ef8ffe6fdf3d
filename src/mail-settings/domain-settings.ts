/**
 * The resolved configuration of one mail domain, as read from the database in one
 * lookup. Pure data: renderers and services consume it, the repository produces it.
 */

/** A row of `server`, as stored (type, socket_type and authentication are free text). */
export interface MailServer {
  readonly id: number;
  readonly prio: number;
  readonly name: string;
  readonly port: number;
  /** `imap`, `pop` or `smtp` in a valid database; anything else is a data error. */
  readonly type: string;
  /** `SSL`, `STARTTLS`, `Auto`, `None` or `plain` seen in the wild. */
  readonly socketType: string;
  readonly userName: string;
  readonly authentication: string;
}

/** A row of `davserver`. */
export interface DavServer {
  readonly id: number;
  readonly url: string;
  /** 0 means "not set". */
  readonly port: number;
  /** `caldav` or `carddav`. */
  readonly type: string;
  readonly useSsl: boolean;
  readonly domainRequired: boolean;
  readonly userName: string | null;
}

/** A row of `ldapserver`. */
export interface LdapServer {
  readonly id: number;
  readonly name: string;
  readonly port: number;
  readonly useSsl: boolean;
  readonly searchBase: string;
  readonly searchFilter: string;
  readonly attrUid: string;
  readonly attrCn: string | null;
  readonly bindPassword: string | null;
  readonly bindUser: string | null;
}

export interface Provider {
  readonly id: number;
  readonly name: string;
  readonly shortName: string;
}

export interface DomainSettings {
  readonly domainId: number;
  /** The domain name as stored (an IDN stays in the form it was seeded in). */
  readonly domainName: string;
  readonly provider: Provider;
  /** Names of every domain of the provider, in id order. */
  readonly providerDomains: readonly string[];
  /** The domain's mail servers ordered by prio ASC, id ASC. */
  readonly servers: readonly MailServer[];
  /** The domain's DAV servers ordered by id. */
  readonly davServers: readonly DavServer[];
  readonly ldapServer: LdapServer | null;
}
