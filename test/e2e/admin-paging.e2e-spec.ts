import { domainToASCII } from 'node:url';
import type { DomainListItem } from '../../src/admin/admin-store';
import { useAdminApp } from '../support/admin-app';
import { domainPath, type PageAnswer } from '../support/admin-client';
import { domainBody } from '../support/admin-documents';
import { expectJson } from '../support/admin-expect';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * Paging of the admin API at scale (docs/admin-api.md, "Conventions" and "Domains"):
 * 20,000 domains, every name exactly once and in order, cursors that stay valid while
 * domains are added and deleted between pages, the domains of a server shared by all
 * of them, and `search` in any case and either IDN form.
 */

const COUNT = 20_000;
/** Row ids of the fixture's own provider and server (beyond what the API assigns). */
const PROVIDER_ID = 900_001;
const SERVER_ID = 900_001;
const PROVIDER_NAME = 'Paging Provider';

/** The n-th name of the pattern; the fixture holds the even ones, tests add odd ones. */
const patternName = (n: number) => `p${String(n).padStart(5, '0')}.example`;
const FIXTURE_NAMES = Array.from({ length: COUNT }, (_, index) => patternName(index * 2));

/** Names outside the pattern, for `search`: stored in Unicode, in ASCII, in mixed case. */
const UNICODE_NAME = 'bücher-page.example';
const ASCII_IDN_NAME = domainToASCII('münchen-page.example');
const MIXED_NAME = 'MiXeD-Page.example';

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Inserts the fixture with plain SQL: multi-row INSERTs of 5,000 rows each. */
function fixtureSql(): string[] {
  const statements = [
    `INSERT INTO provider (id, name, short_name) VALUES (${PROVIDER_ID}, ${quote(PROVIDER_NAME)}, 'Paging')`,
    'INSERT INTO server (id, prio, name, port, type, socket_type, user_name, authentication) ' +
      `VALUES (${SERVER_ID}, 10, 'imap.paging.example', 993, 'imap', 'SSL', '%EMAILADDRESS%', 'plain')`,
  ];
  const names = [...FIXTURE_NAMES, UNICODE_NAME, ASCII_IDN_NAME, MIXED_NAME];
  for (let start = 0; start < names.length; start += 5000) {
    const rows = names
      .slice(start, start + 5000)
      .map((name) => `(${quote(name)}, ${PROVIDER_ID}, NULL)`);
    statements.push(
      `INSERT INTO domain (name, provider_id, ldapserver_id) VALUES ${rows.join(', ')}`,
    );
  }
  statements.push(
    `INSERT INTO server_domain (server_id, domain_id) SELECT ${SERVER_ID}, id FROM domain`,
  );
  return statements;
}

/** Whether `names` are in strictly ascending order (the pattern names are plain ASCII). */
function ascending(names: readonly string[]): boolean {
  return names.every((name, index) => index === 0 || names[index - 1]! < name);
}

describe.each(ENGINE_DIALECTS)('admin API paging on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAdminApp(dialect);
    const client = () => ctx.current.client;

    beforeAll(async () => {
      for (const statement of fixtureSql()) await ctx.current.db.sql(statement);
    }, 60_000);

    it('walks 20,003 domains: every name exactly once, in order, full pages', async () => {
      const pages: PageAnswer<DomainListItem>[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { limit: '500', ...(cursor !== null && { cursor }) };
        const page: PageAnswer<DomainListItem> = await client().page('/domains', query);
        pages.push(page);
        cursor = page.next_cursor;
      } while (cursor !== null && pages.length < 100);
      expect(pages).toHaveLength(41);
      expect(pages.slice(0, -1).every((page) => page.items.length === 500)).toBe(true);
      expect(pages.at(-1)!.items).toHaveLength(3);
      const items = pages.flatMap((page) => page.items);
      const names = items.map((item) => item.name);
      expect(new Set(names).size).toBe(COUNT + 3);
      expect(names.filter((name) => /^p\d{5}\.example$/.test(name))).toEqual(FIXTURE_NAMES);
      expect(names).toEqual(expect.arrayContaining([UNICODE_NAME, ASCII_IDN_NAME, MIXED_NAME]));
      expect(items.every((item) => item.provider === PROVIDER_NAME)).toBe(true);
    });

    it('answers 50 domains without a limit', async () => {
      const page = await client().page<DomainListItem>('/domains');
      expect(page.items).toHaveLength(50);
      expect(page.next_cursor).toEqual(expect.any(String));
    });

    it('a cursor stays valid while domains are added and deleted between pages', async () => {
      const seenEarly = patternName(10);
      const unseen = patternName(30_000);
      const addedBehind = patternName(11);
      const addedAhead = patternName(30_001);
      const deletedAhead = patternName(35_000);
      const walked = await client().walk<DomainListItem>(
        '/domains',
        { limit: '500' },
        async (page) => {
          if (page !== 3) return;
          // 2,000 names seen: change both sides of the cursor.
          for (const name of [seenEarly, unseen]) {
            expect((await client().delete(domainPath(name))).status).toBe(204);
          }
          for (const name of [addedBehind, addedAhead]) {
            expect((await client().put(domainPath(name), domainBody('paging-added'))).status).toBe(
              201,
            );
          }
          expect((await client().delete(domainPath(deletedAhead))).status).toBe(204);
        },
      );
      const names = walked.map((item) => item.name);
      expect(new Set(names).size).toBe(names.length);
      const pattern = names.filter((name) => /^p\d{5}\.example$/.test(name));
      expect(ascending(pattern)).toBe(true);
      expect(names).toContain(seenEarly);
      expect(names).toContain(addedAhead);
      expect(names).not.toContain(addedBehind);
      expect(names).not.toContain(unseen);
      expect(names).not.toContain(deletedAhead);
      const expected = FIXTURE_NAMES.filter((name) => ![unseen, deletedAhead].includes(name));
      expected.push(addedAhead);
      expect(pattern).toEqual(expected.sort());

      // Restore the fixture for the other tests.
      for (const name of [addedBehind, addedAhead]) await client().delete(domainPath(name));
      for (const name of [seenEarly, unseen, deletedAhead]) {
        await ctx.current.db.sql(
          `INSERT INTO domain (name, provider_id, ldapserver_id) VALUES (${quote(name)}, ${PROVIDER_ID}, NULL)`,
        );
        await ctx.current.db.sql(
          `INSERT INTO server_domain (server_id, domain_id) SELECT ${SERVER_ID}, id FROM domain WHERE name = ${quote(name)}`,
        );
      }
    });

    it('pages the 20,000 domains of a shared server, and counts them', async () => {
      const server = expectJson<{ domain_count: number }>(
        await client().get(`/servers/${SERVER_ID}`),
        200,
      );
      expect(server.domain_count).toBe(COUNT + 3);
      const items = await client().walk<DomainListItem>(`/servers/${SERVER_ID}/domains`, {
        limit: '500',
      });
      const names = items.map((item) => item.name);
      expect(new Set(names).size).toBe(COUNT + 3);
      expect(names.filter((name) => /^p\d{5}\.example$/.test(name))).toEqual(FIXTURE_NAMES);
      const provider = expectJson<{ domain_count: number }>(
        await client().get(`/providers/${PROVIDER_ID}`),
        200,
      );
      expect(provider.domain_count).toBe(COUNT + 3);
    });

    it.each([
      ['BÜCHER-PAGE', [UNICODE_NAME]],
      ['Bücher', [UNICODE_NAME]],
      [domainToASCII(UNICODE_NAME), [UNICODE_NAME]],
      [domainToASCII(UNICODE_NAME).toUpperCase(), [UNICODE_NAME]],
      ['münchen-page.example', [ASCII_IDN_NAME]],
      ['MÜNCHEN-PAGE.EXAMPLE', [ASCII_IDN_NAME]],
      [ASCII_IDN_NAME.toUpperCase(), [ASCII_IDN_NAME]],
      ['mixed-page', [MIXED_NAME]],
      ['MIXED-PAGE.EXAMPLE', [MIXED_NAME]],
      ['%', []],
      ['_', []],
      ['p0000_', []],
      ["'", []],
      ['\\', []],
      ['nothing-like-it', []],
    ])('search %j finds %j', async (search, expected) => {
      const answer = await client().walk<DomainListItem>('/domains', { search, limit: '500' });
      expect(answer.map((item) => item.name)).toEqual(expected);
    });

    it.each(['P0001', '3998', '99'])(
      'search %j over every page: the names containing it, in order',
      async (search) => {
        const expected = FIXTURE_NAMES.filter((name) => name.includes(search.toLowerCase()));
        const walked = await client().walk<DomainListItem>('/domains', { search, limit: '500' });
        const names = walked
          .map((item) => item.name)
          .filter((name) => /^p\d{5}\.example$/.test(name));
        expect(names).toEqual(expected);
        expect(walked.length - names.length).toBeLessThanOrEqual(3);
      },
    );
  });
});
