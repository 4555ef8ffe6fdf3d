import type { ExportPages, LinkKey, NamedLink } from '../database/export.repository';
import type { LdapServer } from '../mail-settings/domain-settings';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../provisioning/export-format';

/**
 * The export document (docs/export-format.md) written piece by piece from the pages of
 * one database read, so that no more than a page of rows is held at a time. The text
 * is exactly `JSON.stringify(document, null, 2)` plus a final newline (each value
 * written by JSON.stringify, members and items indented as it indents them); rows in id
 * order, provider and LDAP server ids renumbered 1, 2, ... (their id → position maps
 * are the only state kept: both tables are small), servers naming their domains in
 * domain id order.
 */

/** What an export contained, filled in while it is written (for the CLI's summary). */
export interface ExportTally {
  providers: number;
  domains: number;
  /** Whether an LDAP server has bind credentials (the CLI warns about them). */
  containsSecrets: boolean;
}

export function emptyTally(): ExportTally {
  return { providers: 0, domains: 0, containsSecrets: false };
}

/** Text is handed on in pieces of about this many characters (fewer, larger writes). */
const CHUNK_CHARS = 64 * 1024;

/** The document's text in chunks; reads the next page only when the caller asks for more. */
export async function* exportDocumentText(
  pages: ExportPages,
  tally: ExportTally = emptyTally(),
): AsyncGenerator<string, void, undefined> {
  let text = '';
  for await (const piece of documentPieces(pages, tally)) {
    text += piece;
    if (text.length >= CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}

type Scalar = string | number | boolean | null;

async function* documentPieces(
  pages: ExportPages,
  tally: ExportTally,
): AsyncGenerator<string, void, undefined> {
  const providerIds = new Map<number, number>();
  const ldapIds = new Map<number, number>();
  yield `{\n${members(1, [
    ['version', 2],
    ['format', EXPORT_FORMAT],
    ['export_version', EXPORT_VERSION],
  ])},\n${pad(1)}"providers": `;
  yield* list(
    tableRows(pages.providers, (row) => row.id),
    (provider) => {
      providerIds.set(provider.id, providerIds.size + 1);
      tally.providers += 1;
      return item([
        ['id', providerIds.size],
        ['name', provider.name],
        ['short_name', provider.shortName],
      ]);
    },
  );
  yield `,\n${pad(1)}"ldapservers": `;
  yield* list(
    tableRows(pages.ldapServers, (row) => row.id),
    (server) => {
      ldapIds.set(server.id, ldapIds.size + 1);
      tally.containsSecrets ||= hasBindCredentials(server);
      return item([
        ['id', ldapIds.size],
        ['name', server.name],
        ['port', server.port],
        ['use_ssl', server.useSsl],
        ['search_base', server.searchBase],
        ['search_filter', server.searchFilter],
        ['attr_uid', server.attrUid],
        ['attr_cn', server.attrCn],
        ['bind_user', server.bindUser],
        ['bind_password', server.bindPassword],
      ]);
    },
  );
  yield `,\n${pad(1)}"domains": `;
  yield* list(
    tableRows(pages.domains, (row) => row.id),
    (domain) => {
      tally.domains += 1;
      return item([
        ['name', domain.name],
        ['provider_id', lookup(providerIds, domain.providerId, 'provider')],
        [
          'ldapserver_id',
          domain.ldapserverId === null ? null : lookup(ldapIds, domain.ldapserverId, 'ldapserver'),
        ],
      ]);
    },
  );
  const serverLinks = new LinkCursor(pages.serverLinks);
  yield `,\n${pad(1)}"servers": `;
  yield* list(
    tableRows(pages.servers, (row) => row.id),
    (server) =>
      itemWithDomains(
        [
          ['type', server.type],
          ['name', server.name],
          ['port', server.port],
          ['socket_type', server.socketType],
          ['user_name', server.userName],
          ['authentication', server.authentication],
          ['prio', server.prio],
        ],
        serverLinks.domainsOf(server.id),
      ),
  );
  const davLinks = new LinkCursor(pages.davServerLinks);
  yield `,\n${pad(1)}"davservers": `;
  yield* list(
    tableRows(pages.davServers, (row) => row.id),
    (server) =>
      itemWithDomains(
        [
          ['type', server.type],
          ['url', server.url],
          ['port', server.port],
          ['use_ssl', server.useSsl],
          ['domain_required', server.domainRequired],
          ['user_name', server.userName],
        ],
        davLinks.domainsOf(server.id),
      ),
  );
  yield '\n}\n';
}

/** Whether the row carries bind credentials (a non-empty bind user or password). */
function hasBindCredentials(server: LdapServer): boolean {
  return (server.bindPassword ?? '') !== '' || (server.bindUser ?? '') !== '';
}

/** Every row of a table, page by page. */
async function* tableRows<T>(
  page: (after: number | null) => Promise<readonly T[]>,
  keyOf: (row: T) => number,
): AsyncGenerator<readonly T[], void, undefined> {
  let after: number | null = null;
  for (;;) {
    const rows = await page(after);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    yield rows;
    after = keyOf(last);
  }
}

/**
 * A list of the top-level object (its items at depth 2), from pages of rows: `[]` when
 * empty. An item is text, or pieces of text when it holds a list of its own.
 */
async function* list<T>(
  pages: AsyncIterable<readonly T[]>,
  itemOf: (row: T) => string | AsyncIterable<string>,
): AsyncGenerator<string, void, undefined> {
  let count = 0;
  for await (const rows of pages) {
    let text = '';
    for (const row of rows) {
      text += `${count === 0 ? '[' : ','}\n${pad(2)}`;
      count += 1;
      const written = itemOf(row);
      if (typeof written === 'string') {
        text += written;
        continue;
      }
      yield text;
      text = '';
      yield* written;
    }
    if (text !== '') yield text;
  }
  yield count === 0 ? '[]' : `\n${pad(1)}]`;
}

/** An item of a top-level list: an object whose members are at depth 3. */
function item(fields: readonly (readonly [string, Scalar])[]): string {
  return `{\n${members(3, fields)}\n${pad(2)}}`;
}

/** A server item: its columns, then `domains`, the names at depth 4. */
async function* itemWithDomains(
  fields: readonly (readonly [string, Scalar])[],
  domains: AsyncIterable<readonly string[]>,
): AsyncGenerator<string, void, undefined> {
  yield `{\n${members(3, fields)},\n${pad(3)}"domains": `;
  let count = 0;
  for await (const names of domains) {
    let text = '';
    for (const name of names) {
      text += `${count === 0 ? '[' : ','}\n${pad(4)}${JSON.stringify(name)}`;
      count += 1;
    }
    yield text;
  }
  yield `${count === 0 ? '[]' : `\n${pad(3)}]`}\n${pad(2)}}`;
}

function members(depth: number, fields: readonly (readonly [string, Scalar])[]): string {
  return fields
    .map(([key, value]) => `${pad(depth)}${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n');
}

function pad(depth: number): string {
  return '  '.repeat(depth);
}

/**
 * The rows of a link table in (owner, domain) order, handed out owner by owner as the
 * owners (servers, in id order) are written: a merge of two ordered reads. Links of an
 * owner that does not exist are passed over.
 */
class LinkCursor {
  private page: readonly NamedLink[] = [];
  private index = 0;
  private after: LinkKey | null = null;
  private done = false;

  constructor(private readonly read: (after: LinkKey | null) => Promise<readonly NamedLink[]>) {}

  /** The names of the owner's domains, in domain id order, a page's worth at a time. */
  async *domainsOf(ownerId: number): AsyncGenerator<readonly string[], void, undefined> {
    for (;;) {
      const link = await this.current();
      if (link === undefined || link.ownerId > ownerId) return;
      const names: string[] = [];
      for (
        let next: NamedLink | undefined = link;
        next !== undefined && next.ownerId <= ownerId;
        next = this.page[this.index]
      ) {
        if (next.ownerId === ownerId) {
          if (next.domainName === null) {
            throw new Error(`the database refers to a missing domain ${next.domainId}`);
          }
          names.push(next.domainName);
        }
        this.index += 1;
      }
      yield names;
    }
  }

  /** The next unread link, reading the next page when this one is used up. */
  private async current(): Promise<NamedLink | undefined> {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.done) return undefined;
    const last = this.page[this.page.length - 1];
    if (last !== undefined) this.after = { ownerId: last.ownerId, domainId: last.domainId };
    this.page = await this.read(this.after);
    this.index = 0;
    if (this.page.length === 0) this.done = true;
    return this.page[0];
  }
}

function lookup(map: ReadonlyMap<number, number>, id: number, table: string): number {
  const value = map.get(id);
  if (value === undefined) throw new Error(`the database refers to a missing ${table} ${id}`);
  return value;
}
