import { Injectable } from '@nestjs/common';
import type { DavServer, LdapServer, MailServer, Provider } from '../mail-settings/domain-settings';
import { DatabaseConnection } from './database-connection.service';
import { engineOf } from './engine';
import {
  exportSql,
  type ExportDomainRow,
  type LinkKey,
  type NamedLink,
  type PagedStatement,
} from './export-sql';
import { openReadSession, type ReadSession } from './read-session';

export type { ExportDomainRow, LinkKey, NamedLink } from './export-sql';

/**
 * The seven tables page by page, each in id order (link tables: by owner, then domain).
 * `after` is the key of the last row of the previous page, null for the first page; an
 * empty page ends the table.
 */
export interface ExportPages {
  providers(after: number | null): Promise<readonly Provider[]>;
  ldapServers(after: number | null): Promise<readonly LdapServer[]>;
  domains(after: number | null): Promise<readonly ExportDomainRow[]>;
  servers(after: number | null): Promise<readonly MailServer[]>;
  davServers(after: number | null): Promise<readonly DavServer[]>;
  serverLinks(after: LinkKey | null): Promise<readonly NamedLink[]>;
  davServerLinks(after: LinkKey | null): Promise<readonly NamedLink[]>;
}

/** ExportPages read from one snapshot; `close()` ends the read (always call it). */
export interface ExportReader extends ExportPages {
  close(): Promise<void>;
}

/**
 * Reads the whole database for an export (`automx2-nest export`, `GET /admin/api/v1/export`)
 * without holding it in memory: one read transaction (a consistent snapshot while others
 * write, read-session.ts), read in pages as the caller asks for them.
 */
@Injectable()
export class ExportRepository {
  constructor(private readonly connection: DatabaseConnection) {}

  /** Starts the read; connection trouble is the 503 domain error of DatabaseConnection. */
  async open(): Promise<ExportReader> {
    const { session, engine } = await this.connection.run(async (dataSource) => ({
      session: await openReadSession(dataSource),
      engine: engineOf(dataSource),
    }));
    const sql = exportSql(engine);
    const page =
      <K, T>(statement: PagedStatement<K, T>) =>
      (after: K | null): Promise<T[]> =>
        this.connection.run(() => readPage(session, statement, after));
    return {
      providers: page(sql.providers),
      ldapServers: page(sql.ldapServers),
      domains: page(sql.domains),
      servers: page(sql.servers),
      davServers: page(sql.davServers),
      serverLinks: page(sql.serverLinks),
      davServerLinks: page(sql.davServerLinks),
      close: () => session.close(),
    };
  }
}

async function readPage<K, T>(
  session: ReadSession,
  statement: PagedStatement<K, T>,
  after: K | null,
): Promise<T[]> {
  const rows =
    after === null
      ? await session.rows(statement.first, [])
      : await session.rows(statement.next, statement.parameters(after));
  return rows.map(statement.convert);
}
