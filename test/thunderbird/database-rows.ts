import Database from 'better-sqlite3';
import { aLabel } from './thunderbird-vocabulary';

/**
 * What the database says, read with plain SQL (automx2's schema), independently of the
 * service's own queries: the rows every derived account is compared with.
 */
export interface ServerRow {
  readonly id: number;
  readonly prio: number;
  readonly name: string;
  readonly port: number;
  readonly type: string;
  readonly socketType: string;
  readonly userName: string;
  readonly authentication: string;
}

export interface DomainRows {
  readonly name: string;
  /** The domain's `server` rows, ordered by prio, then id (the order clients get). */
  readonly servers: readonly ServerRow[];
  /** Names of every domain of the same provider, in id order. */
  readonly providerDomains: readonly string[];
}

interface DomainRecord {
  readonly id: number;
  readonly name: string;
  readonly provider_id: number;
}

/** The file behind a `sqlite:///…` URI of test/support/test-databases.ts. */
export function sqliteFile(dbUri: string): string {
  if (!dbUri.startsWith('sqlite:///')) throw new Error(`not a SQLite file URI: ${dbUri}`);
  return dbUri.slice('sqlite:///'.length);
}

/** The rows for the domain of an address, matched as lookups do (IDN, case). */
export function readDomainRows(file: string, addressDomain: string): DomainRows | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const domains = db.prepare('SELECT id, name, provider_id FROM domain ORDER BY id').all();
    const domain = (domains as DomainRecord[]).find(
      (row) => aLabel(row.name) === aLabel(addressDomain),
    );
    if (domain === undefined) return undefined;
    const servers = db
      .prepare(
        `SELECT s.id, s.prio, s.name, s.port, s.type, s.socket_type AS socketType,
                s.user_name AS userName, s.authentication
           FROM server s JOIN server_domain sd ON sd.server_id = s.id
          WHERE sd.domain_id = ? ORDER BY s.prio, s.id`,
      )
      .all(domain.id) as ServerRow[];
    const providerDomains = (domains as DomainRecord[])
      .filter((row) => row.provider_id === domain.provider_id)
      .map((row) => row.name);
    return { name: domain.name, servers, providerDomains };
  } finally {
    db.close();
  }
}
