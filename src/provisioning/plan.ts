/**
 * Rows to insert, independent of where they came from (sample data or a seeding
 * document). `ref`s link rows within one plan; the database assigns the ids.
 */
export interface PlannedProvider {
  readonly ref: string;
  readonly name: string;
  readonly shortName: string;
}

export interface PlannedLdapServer {
  readonly ref: string;
  readonly name: string;
  readonly port: number;
  readonly useSsl: boolean;
  readonly searchBase: string;
  readonly searchFilter: string;
  readonly attrUid: string;
  readonly attrCn: string | null;
  readonly bindUser: string | null;
  readonly bindPassword: string | null;
}

export interface PlannedDomain {
  readonly ref: string;
  readonly name: string;
  readonly providerRef: string;
  readonly ldapServerRef: string | null;
}

export interface PlannedServer {
  readonly prio: number;
  readonly name: string;
  readonly port: number;
  readonly type: string;
  readonly socketType: string;
  readonly userName: string;
  readonly authentication: string;
  readonly domainRefs: readonly string[];
}

export interface PlannedDavServer {
  readonly url: string;
  readonly port: number;
  readonly type: string;
  readonly useSsl: boolean;
  readonly domainRequired: boolean;
  readonly userName: string | null;
  readonly domainRefs: readonly string[];
}

export interface SeedPlan {
  readonly providers: readonly PlannedProvider[];
  readonly ldapServers: readonly PlannedLdapServer[];
  readonly domains: readonly PlannedDomain[];
  readonly servers: readonly PlannedServer[];
  readonly davServers: readonly PlannedDavServer[];
}
