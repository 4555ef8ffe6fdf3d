import 'reflect-metadata';
import request from 'supertest';
import {
  BadCursor,
  PreconditionFailed,
  sharedEtag,
  WriteConflict,
  type DomainListItem,
  type DomainView,
  type Page,
} from '../../src/admin/admin-store';
import { etagOf } from '../../src/admin/etag';
import { DomainError } from '../../src/common/domain-error';
import { AdminRepository } from '../../src/database/admin.repository';
import { DataChanges } from '../../src/database/data-changes';
import { DatabaseConnection } from '../../src/database/database-connection.service';
import { SchemaService } from '../../src/database/schema.service';
import { SeedRepository } from '../../src/database/seed.repository';
import { planFromDomainDocument } from '../../src/provisioning/domain-document';
import {
  describeDialect,
  ENGINE_DIALECTS,
  type Dialect,
  type TestDatabase,
} from '../support/test-databases';
import { useAppOnDatabase, type TestApp } from '../support/test-app';

/**
 * AdminRepository (the admin API's storage) against real databases: paging that stays
 * exact at 20,000 domains and under concurrent inserts, search, lookups as clients
 * look up, merges that keep shared rows shared and remove orphans, preconditions
 * checked inside the write, shared rows, and client answers that change at once.
 */

type Json = Record<string, unknown>;

const server = (name: string, change: Json = {}): Json => ({
  type: 'imap',
  name,
  port: 993,
  socket_type: 'SSL',
  user_name: '%EMAILADDRESS%',
  authentication: 'plain',
  prio: 10,
  ...change,
});

const dav = (url: string): Json => ({
  type: 'caldav',
  url,
  port: 0,
  use_ssl: true,
  domain_required: true,
  user_name: null,
});

const LDAP: Json = {
  name: 'ldap.example.com',
  port: 636,
  use_ssl: true,
  search_base: 'dc=example,dc=com',
  search_filter: '(mail={0})',
  attr_uid: 'uid',
  attr_cn: null,
  bind_user: 'cn=reader',
  bind_password: 'secret',
};

/** A PUT body for one domain. */
function body(change: Json = {}): Json {
  return {
    provider: { name: 'Example Inc.', short_name: 'Example' },
    servers: [server('imap.example.com')],
    ...change,
  };
}

const plan = (name: string, change: Json = {}) => planFromDomainDocument(name, body(change));

/** Rejects with an instance of `type` (and nothing else). */
async function rejectsWith<T>(pending: Promise<unknown>, type: new (...args: never[]) => T) {
  const error: unknown = await pending.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

describe.each(ENGINE_DIALECTS)('AdminRepository on %s', (dialect: Dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAppOnDatabase(dialect);
    let store: AdminRepository;

    beforeAll(async () => {
      await ctx.app.app.get(SchemaService).migrate();
      store = new AdminRepository(
        ctx.app.app.get(DatabaseConnection),
        ctx.app.app.get(DataChanges),
      );
    });

    beforeEach(async () => {
      await ctx.app.app.get(SeedRepository).purge();
    });

    const put = (name: string, change: Json = {}) => store.putDomain(plan(name, change), {});

    /** Every item of a list, page by page (limit `limit`), as the pages came. */
    async function allPages<T>(
      read: (cursor: string | undefined) => Promise<Page<T>>,
    ): Promise<T[][]> {
      const pages: T[][] = [];
      let cursor: string | undefined;
      do {
        const page = await read(cursor);
        pages.push([...page.items]);
        cursor = page.nextCursor ?? undefined;
        if (pages.length > 1000) throw new Error('paging does not end');
      } while (cursor !== undefined);
      return pages;
    }

    const names = (items: readonly DomainListItem[]) => items.map((item) => item.name);

    describe('domains', () => {
      it('reads nothing from an empty database', async () => {
        expect(await store.listDomains({ limit: 50 })).toEqual({ items: [], nextCursor: null });
        expect(await store.getDomain('example.com')).toBeNull();
        expect(await store.listShared('servers', { limit: 50 })).toEqual({
          items: [],
          nextCursor: null,
        });
        expect(await store.deleteDomain('example.com', {})).toBe(false);
      });

      it('creates a domain, then finds it in any case and either IDN form', async () => {
        const created = await put('Bücher.example', {
          ldapserver: LDAP,
          servers: [
            server('imap.bücher.example'),
            server('smtp.bücher.example', { type: 'smtp', port: 465 }),
          ],
          davservers: [dav('https://dav.bücher.example/')],
        });
        expect(created.created).toBe(true);
        expect(created.view).toMatchObject({
          name: 'Bücher.example',
          provider: { name: 'Example Inc.', short_name: 'Example' },
          ldapserver: { ...LDAP },
          servers: [{ name: 'imap.bücher.example' }, { name: 'smtp.bücher.example', port: 465 }],
          davservers: [{ url: 'https://dav.bücher.example/', use_ssl: true, user_name: null }],
        });
        for (const spelling of [
          'bücher.example',
          'xn--bcher-kva.example',
          'XN--BCHER-KVA.EXAMPLE',
        ]) {
          expect(await store.getDomain(spelling)).toEqual(created.view);
        }
        expect(await store.getDomain(' bücher.example ')).toEqual(created.view);
        // Host parsing would cut these short to bücher.example: they are other names.
        for (const other of [
          'bücher.example/x',
          'xn--bcher-kva.example?',
          'bücher.exa\u00admple',
        ]) {
          expect(await store.getDomain(other)).toBeNull();
          expect(await store.deleteDomain(other, {})).toBe(false);
        }
        expect(await store.getDomain('bücher.example')).toEqual(created.view);
        expect(await store.getDomain('other.example')).toBeNull();
        for (const hostile of ['', 'a\0b', 'x'.repeat(5000), '\ud800.example']) {
          expect(await store.getDomain(hostile)).toBeNull();
        }
      });

      it('answers servers by prio, then id, as the client routes do', async () => {
        const { view } = await put('order.example', {
          servers: [
            server('b.example', { prio: 20 }),
            server('c.example', { prio: 10, type: 'smtp', port: 465 }),
            server('a.example', { prio: 10 }),
          ],
        });
        expect(view.servers.map((s) => s.name)).toEqual(['c.example', 'a.example', 'b.example']);
        const ids = view.servers.map((s) => s.id);
        expect([...ids.slice(0, 2)].sort((x, y) => x - y)).toEqual(ids.slice(0, 2));
      });

      it('replaces a domain: shared rows stay shared, rows nobody uses are removed', async () => {
        const shared = server('imap.shared.example');
        await put('one.example', { servers: [shared, server('imap.one.example')] });
        const two = await put('two.example', {
          servers: [shared],
          ldapserver: LDAP,
          davservers: [dav('https://dav.two.example/')],
        });
        const sharedId = two.view.servers[0]!.id;
        expect((await store.getShared('servers', sharedId))?.domain_count).toBe(2);
        expect((await store.getShared('providers', two.view.provider.id))?.domain_count).toBe(2);

        const replaced = await put('TWO.example', {
          provider: { name: 'Other', short_name: 'O' },
          servers: [server('imap.two.example')],
        });
        expect(replaced.created).toBe(false);
        expect(replaced.view.name).toBe('TWO.example');
        expect(replaced.view.ldapserver).toBeNull();
        expect(replaced.view.davservers).toEqual([]);
        // The shared server is still used by one.example; the DAV and LDAP servers by nobody.
        expect((await store.getShared('servers', sharedId))?.domain_count).toBe(1);
        expect((await store.listShared('davservers', { limit: 50 })).items).toEqual([]);
        expect((await store.listShared('ldapservers', { limit: 50 })).items).toEqual([]);
        expect(
          (await store.listShared('providers', { limit: 50 })).items.map((p) => [
            p.name,
            p.domain_count,
          ]),
        ).toEqual([
          ['Example Inc.', 1],
          ['Other', 1],
        ]);
        // Putting the same view again changes nothing, not even ids.
        const again = await store.putDomain(
          planFromDomainDocument('two.example', replaced.view),
          {},
        );
        expect(again).toEqual({ created: false, view: replaced.view });
      });

      it('deletes a domain with the rows nobody uses any more, and every spelling of it', async () => {
        const shared = server('imap.shared.example');
        await put('keep.example', { servers: [shared] });
        await put('bücher.example', {
          servers: [shared, server('imap.own.example')],
          ldapserver: LDAP,
          provider: { name: 'Own', short_name: 'Own' },
        });
        // Another stored spelling of the same domain, as automx2 could have written it.
        const providerId = (await store.getDomain('keep.example'))!.provider.id;
        await ctx.db.sql(
          `INSERT INTO ${quoted(dialect, 'domain')} (name, provider_id) VALUES ('xn--bcher-kva.example', ${providerId})`,
        );
        expect(await store.deleteDomain('BÜCHER.example', {})).toBe(true);
        expect(await store.getDomain('bücher.example')).toBeNull();
        expect(await store.getDomain('xn--bcher-kva.example')).toBeNull();
        expect(names((await store.listDomains({ limit: 50 })).items)).toEqual(['keep.example']);
        expect((await store.listShared('servers', { limit: 50 })).items).toEqual([
          expect.objectContaining({ name: 'imap.shared.example', domain_count: 1 }),
        ]);
        expect((await store.listShared('ldapservers', { limit: 50 })).items).toEqual([]);
        expect(
          (await store.listShared('providers', { limit: 50 })).items.map((p) => p.name),
        ).toEqual(['Example Inc.']);
        expect(await store.deleteDomain('bücher.example', {})).toBe(false);
      });

      it('checks preconditions inside the write, changing nothing when they fail', async () => {
        const first = await put('cond.example');
        const etag = etagOf(first.view);
        const changed = plan('cond.example', { servers: [server('imap2.example.com')] });

        await rejectsWith(store.putDomain(changed, { ifNoneMatch: '*' }), PreconditionFailed);
        await rejectsWith(store.putDomain(changed, { ifMatch: ['"stale"'] }), PreconditionFailed);
        await rejectsWith(
          store.deleteDomain('cond.example', { ifMatch: ['"stale"'] }),
          PreconditionFailed,
        );
        expect(await store.getDomain('cond.example')).toEqual(first.view);

        const second = await store.putDomain(changed, { ifMatch: ['"x"', etag] });
        expect(second.view.servers[0]!.name).toBe('imap2.example.com');
        // The first view's ETag is stale now.
        await rejectsWith(
          store.deleteDomain('cond.example', { ifMatch: [etag] }),
          PreconditionFailed,
        );
        // If-Match on a domain that does not exist fails; If-None-Match: * creates.
        await rejectsWith(
          store.putDomain(plan('new.example'), { ifMatch: ['*'] }),
          PreconditionFailed,
        );
        await rejectsWith(
          store.deleteDomain('new.example', { ifMatch: ['*'] }),
          PreconditionFailed,
        );
        expect(await store.getDomain('new.example')).toBeNull();
        expect((await store.putDomain(plan('new.example'), { ifNoneMatch: '*' })).created).toBe(
          true,
        );
        expect(await store.deleteDomain('cond.example', { ifMatch: [etagOf(second.view)] })).toBe(
          true,
        );
      });

      it('lets exactly one of two writers with the same If-Match win', async () => {
        const { view } = await put('race.example');
        const ifMatch = [etagOf(view)];
        const outcomes = await Promise.allSettled([
          store.putDomain(plan('race.example', { servers: [server('a.example')] }), { ifMatch }),
          store.putDomain(plan('race.example', { servers: [server('b.example')] }), { ifMatch }),
        ]);
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) =>
          outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
        );
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(PreconditionFailed);
        const stored = await store.getDomain('race.example');
        expect(stored).toEqual((won[0] as PromiseFulfilledResult<{ view: DomainView }>).value.view);
      });

      it('tells caches about committed changes only', async () => {
        let told = 0;
        ctx.app.app.get(DataChanges).subscribe(() => (told += 1));
        const { view } = await put('told.example');
        expect(told).toBe(1);
        const serverId = view.servers[0]!.id;
        // Nothing to change, or refused: rolled back, nobody told.
        expect(await store.deleteDomain('nothing.example', {})).toBe(false);
        expect(await store.deleteShared('servers', 999_999, {})).toBe(false);
        expect(
          await store.putShared('servers', 999_999, columnsOf(view.servers[0]!), {}),
        ).toBeNull();
        await rejectsWith(store.deleteShared('servers', serverId, {}), WriteConflict);
        await rejectsWith(
          store.deleteDomain('told.example', { ifMatch: ['"stale"'] }),
          PreconditionFailed,
        );
        expect(told).toBe(1);
        expect(await store.deleteDomain('told.example', {})).toBe(true);
        expect(told).toBe(2);
      });

      it('changes what clients are answered at once', async () => {
        const autoconfig = (app: TestApp) =>
          request(app.url)
            .get('/mail/config-v1.1.xml')
            .query({ emailaddress: 'user@live.example' });
        await autoconfig(ctx.app).expect(204);
        await put('live.example', { servers: [server('imap1.live.example')] });
        expect((await autoconfig(ctx.app).expect(200)).text).toContain(
          '<hostname>imap1.live.example</hostname>',
        );
        const { view } = await put('live.example', { servers: [server('imap2.live.example')] });
        const answer = (await autoconfig(ctx.app).expect(200)).text;
        expect(answer).toContain('<hostname>imap2.live.example</hostname>');
        expect(answer).not.toContain('imap1.live.example');
        const row = (await store.getShared('servers', view.servers[0]!.id))!;
        await store.putShared(
          'servers',
          row.id,
          { ...columnsOf(row), name: 'imap3.live.example' },
          {},
        );
        expect((await autoconfig(ctx.app).expect(200)).text).toContain(
          '<hostname>imap3.live.example</hostname>',
        );
        await store.deleteDomain('live.example', {});
        await autoconfig(ctx.app).expect(204);
      });
    });

    describe('paging and search', () => {
      const COUNT = 20_000;
      const domainName = (i: number) => `d${String(i).padStart(5, '0')}.example`;

      /** Inserts domains of one provider by multi-row INSERTs (1,000 rows each). */
      async function insertDomains(db: TestDatabase, domainNames: readonly string[]) {
        const [provider] = (await store.listShared('providers', { limit: 1 })).items;
        const providerId = provider!.id;
        for (let start = 0; start < domainNames.length; start += 1000) {
          const values = domainNames
            .slice(start, start + 1000)
            .map((name) => `(${sqlText(dialect, name)}, ${providerId})`)
            .join(', ');
          await db.sql(
            `INSERT INTO ${quoted(dialect, 'domain')} (name, provider_id) VALUES ${values}`,
          );
        }
      }

      it('lists 20,000 domains in pages, each exactly once, in the database order', async () => {
        await put('seed.example');
        await insertDomains(
          ctx.db,
          Array.from({ length: COUNT }, (_, i) => domainName(i)),
        );
        const pages = await allPages((cursor) => store.listDomains({ limit: 500, cursor }));
        const listed = pages.flatMap(names);
        expect(pages).toHaveLength(Math.ceil((COUNT + 1) / 500));
        expect(pages.slice(0, -1).every((page) => page.length === 500)).toBe(true);
        expect(listed).toHaveLength(COUNT + 1);
        expect(new Set(listed).size).toBe(COUNT + 1);
        // Names of one pattern sort alike in every collation.
        const numbered = listed.filter((name) => name.startsWith('d'));
        expect(numbered).toEqual([...numbered].sort());
        expect(pages[0]![0]).toEqual({ name: 'd00000.example', provider: 'Example Inc.' });
      });

      it('keeps every domain exactly once while domains are inserted between pages', async () => {
        await put('seed.example');
        await insertDomains(
          ctx.db,
          Array.from({ length: 2_000 }, (_, i) => domainName(i)),
        );
        const pages: string[][] = [];
        let cursor: string | undefined;
        let round = 0;
        do {
          const page = await store.listDomains({ limit: 150, cursor });
          pages.push(names(page.items));
          cursor = page.nextCursor ?? undefined;
          round += 1;
          // One before every name listed so far, one after every name there is.
          const n = String(round).padStart(4, '0');
          await insertDomains(ctx.db, [`a-new-${n}.example`, `zz-new-${n}.example`]);
        } while (cursor !== undefined);
        const listed = pages.flat();
        expect(new Set(listed).size).toBe(listed.length);
        for (let i = 0; i < 2_000; i += 1) expect(listed).toContain(domainName(i));
        expect(listed.filter((name) => name.startsWith('a-new-'))).toEqual([]);
        // Each name inserted after the cursor is reached by a later page (all but the one
        // inserted after the last page).
        expect(listed.filter((name) => name.startsWith('zz-new-'))).toHaveLength(round - 1);
      });

      it('searches names in any case and either IDN form, wildcards taken literally', async () => {
        const stored = [
          'Bücher.example',
          'xn--tda.example', // ü.example
          'example.com',
          'a%b.example',
          'a_b.example',
          'axb.example',
          'a!b.example',
        ];
        for (const name of stored) await put(name);
        // Stored by plain SQL, as automx2 or an older import may have stored it.
        stored.push('a\\b.example');
        await insertDomains(ctx.db, ['a\\b.example']);
        const search = async (text: string) =>
          names((await store.listDomains({ limit: 500 }, text)).items).sort();
        expect(await search('EXAMPLE.COM')).toEqual(['example.com']);
        expect(await search('bücher')).toEqual(['Bücher.example']);
        expect(await search('BÜCHER')).toEqual(['Bücher.example']);
        expect(await search('xn--bcher-kva')).toEqual(['Bücher.example']);
        expect(await search('ü.example')).toEqual(['xn--tda.example']);
        expect(await search('%')).toEqual(['a%b.example']);
        expect(await search('_')).toEqual(['a_b.example']);
        expect(await search('a\\b')).toEqual(['a\\b.example']);
        expect(await search('!')).toEqual(['a!b.example']);
        expect(await search('a%')).toEqual(['a%b.example']);
        expect(await search('')).toHaveLength(stored.length);
        for (const hostile of ['\0', 'a\nb', '\ud800', 'x'.repeat(5000)]) {
          expect(await search(hostile)).toEqual([]);
        }
      });

      it('pages a search with cursors', async () => {
        await put('seed.example');
        await insertDomains(
          ctx.db,
          Array.from({ length: 30 }, (_, i) =>
            i % 3 === 0 ? `match-${i}.example` : domainName(i),
          ),
        );
        const pages = await allPages((cursor) => store.listDomains({ limit: 4, cursor }, 'MATCH'));
        const listed = pages.flatMap(names);
        expect(listed).toHaveLength(10);
        expect(new Set(listed).size).toBe(10);
        expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
      });

      it('refuses cursors it did not hand out, before reading anything', async () => {
        await put('seed.example');
        const { nextCursor } = await store.listShared('servers', { limit: 1 });
        expect(nextCursor).toBeNull();
        const idCursor = Buffer.from('i:1').toString('base64url');
        for (const cursor of ['', 'not a cursor', '!!!', idCursor, 'A'.repeat(10_000)]) {
          await rejectsWith(store.listDomains({ limit: 5, cursor }), BadCursor);
          await rejectsWith(store.domainsUsing('servers', 1, { limit: 5, cursor }), BadCursor);
        }
        const nameCursor = Buffer.from('n:seed.example').toString('base64url');
        await rejectsWith(
          store.listShared('providers', { limit: 5, cursor: nameCursor }),
          BadCursor,
        );
      });
    });

    describe('shared rows', () => {
      it('lists each kind in id order with its usage, page by page', async () => {
        for (let i = 0; i < 7; i += 1) {
          await put(`s${i}.example`, {
            servers: [server(`imap${i % 3}.example`)],
            davservers: [dav(`https://dav${i % 2}.example/`)],
            ldapserver: LDAP,
          });
        }
        const pages = await allPages((cursor) => store.listShared('servers', { limit: 2, cursor }));
        expect(pages.map((page) => page.length)).toEqual([2, 1]);
        const servers = pages.flat();
        expect(servers.map((s) => s.id)).toEqual(
          [...servers.map((s) => s.id)].sort((a, b) => a - b),
        );
        expect(servers.map((s) => [s.name, s.domain_count])).toEqual([
          ['imap0.example', 3],
          ['imap1.example', 2],
          ['imap2.example', 2],
        ]);
        expect(
          (await store.listShared('davservers', { limit: 50 })).items.map((s) => s.domain_count),
        ).toEqual([4, 3]);
        expect((await store.listShared('ldapservers', { limit: 50 })).items).toEqual([
          expect.objectContaining({ ...LDAP, domain_count: 7 }),
        ]);
        expect((await store.listShared('providers', { limit: 50 })).items).toEqual([
          expect.objectContaining({ name: 'Example Inc.', domain_count: 7 }),
        ]);
      });

      it('gets a row with its usage, and pages the domains using it', async () => {
        for (const name of ['c.example', 'a.example', 'b.example', 'other.example']) {
          await put(name, {
            servers: [server(name === 'other.example' ? 'imap.other' : 'imap.shared')],
            ldapserver: name === 'other.example' ? null : LDAP,
          });
        }
        const shared = (await store.getDomain('a.example'))!;
        const serverId = shared.servers[0]!.id;
        expect(await store.getShared('servers', serverId)).toEqual({
          ...shared.servers[0],
          domain_count: 3,
        });
        const using = await allPages(async (cursor) => {
          const page = await store.domainsUsing('servers', serverId, { limit: 2, cursor });
          if (!page) throw new Error('the server is gone');
          return page;
        });
        expect(using.map(names)).toEqual([['a.example', 'b.example'], ['c.example']]);
        const viaLdap = await store.domainsUsing('ldapservers', shared.ldapserver!.id, {
          limit: 50,
        });
        expect(names(viaLdap!.items)).toEqual(['a.example', 'b.example', 'c.example']);
        const viaProvider = await store.domainsUsing('providers', shared.provider.id, {
          limit: 50,
        });
        expect(viaProvider!.items).toHaveLength(4);
        expect(await store.domainsUsing('davservers', 1, { limit: 50 })).toBeNull();
        for (const id of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
          expect(await store.getShared('servers', id)).toBeNull();
          expect(await store.domainsUsing('servers', id, { limit: 50 })).toBeNull();
        }
      });

      it('replaces the columns of a row used by many domains with one write', async () => {
        for (const name of ['a.example', 'b.example']) {
          await put(name, { servers: [server('imap.shared')] });
        }
        const before = (await store.getDomain('a.example'))!;
        const row = (await store.getShared('servers', before.servers[0]!.id))!;
        const updated = await store.putShared(
          'servers',
          row.id,
          { ...columnsOf(row), port: 143, socket_type: 'STARTTLS' },
          { ifMatch: [sharedEtag(row)] },
        );
        expect(updated).toEqual({ ...row, port: 143, socket_type: 'STARTTLS' });
        for (const name of ['a.example', 'b.example']) {
          const view = (await store.getDomain(name))!;
          expect(view.servers[0]).toMatchObject({ id: row.id, port: 143 });
        }
        // Every domain's ETag changed with it; the row's old ETag is stale.
        expect(etagOf(await store.getDomain('a.example'))).not.toBe(etagOf(before));
        await rejectsWith(
          store.putShared('servers', row.id, columnsOf(row), { ifMatch: [sharedEtag(row)] }),
          PreconditionFailed,
        );
        await rejectsWith(
          store.putShared('servers', row.id, columnsOf(row), { ifNoneMatch: '*' }),
          PreconditionFailed,
        );
        expect((await store.getShared('servers', row.id))!.port).toBe(143);
        expect(await store.putShared('servers', 999_999, columnsOf(row), {})).toBeNull();
        await rejectsWith(
          store.putShared('servers', 999_999, columnsOf(row), { ifMatch: ['*'] }),
          PreconditionFailed,
        );
      });

      it('keeps provider names unique', async () => {
        await put('a.example', { provider: { name: 'Alpha', short_name: 'A' } });
        await put('b.example', { provider: { name: 'Beta', short_name: 'B' } });
        const beta = (await store.getDomain('b.example'))!.provider;
        const alpha = (await store.getDomain('a.example'))!.provider;
        const conflict = await rejectsWith(
          store.putShared('providers', beta.id, { name: 'Alpha', short_name: 'B' }, {}),
          WriteConflict,
        );
        expect(conflict.message).toBe(`provider ${alpha.id} has this name already`);
        // Its own name, another case of another's: no conflict (merges compare exactly).
        expect(
          await store.putShared('providers', beta.id, { name: 'Beta', short_name: 'BB' }, {}),
        ).toEqual({ id: beta.id, name: 'Beta', short_name: 'BB', domain_count: 1 });
        expect(
          (await store.putShared('providers', beta.id, { name: 'ALPHA', short_name: 'B' }, {}))
            ?.name,
        ).toBe('ALPHA');
      });

      it('deletes a row only while no domain uses it', async () => {
        await put('a.example', { ldapserver: LDAP, davservers: [dav('https://dav/')] });
        await put('b.example', { ldapserver: LDAP });
        const view = (await store.getDomain('a.example'))!;
        const ldapId = view.ldapserver!.id;
        const inUse = await rejectsWith(
          store.deleteShared('ldapservers', ldapId, {}),
          WriteConflict,
        );
        expect(inUse.message).toBe('in use by 2 domains');
        const single = await rejectsWith(
          store.deleteShared('davservers', view.davservers[0]!.id, {}),
          WriteConflict,
        );
        expect(single.message).toBe('in use by 1 domain');
        await rejectsWith(store.deleteShared('providers', view.provider.id, {}), WriteConflict);
        // A row nobody uses (left by a direct edit of the tables) is deleted.
        await ctx.db.sql(
          `INSERT INTO ${quoted(dialect, 'server')} (prio, name, port, type, socket_type, user_name, authentication) ` +
            "VALUES (10, 'lonely', 993, 'imap', 'SSL', 'u', 'plain')",
        );
        const lonely = (await store.listShared('servers', { limit: 50 })).items.find(
          (s) => s.name === 'lonely',
        )!;
        expect(lonely.domain_count).toBe(0);
        await rejectsWith(
          store.deleteShared('servers', lonely.id, { ifMatch: ['"stale"'] }),
          PreconditionFailed,
        );
        expect(
          await store.deleteShared('servers', lonely.id, { ifMatch: [sharedEtag(lonely)] }),
        ).toBe(true);
        expect(await store.getShared('servers', lonely.id)).toBeNull();
        expect(await store.deleteShared('servers', lonely.id, {})).toBe(false);
        await rejectsWith(
          store.deleteShared('servers', lonely.id, { ifMatch: ['*'] }),
          PreconditionFailed,
        );
        for (const id of [0, -5, 2 ** 31, Number.NaN]) {
          expect(await store.deleteShared('servers', id, {})).toBe(false);
          await rejectsWith(
            store.deleteShared('servers', id, { ifMatch: ['*'] }),
            PreconditionFailed,
          );
          await rejectsWith(
            store.putShared('servers', id, columnsOf(lonely), { ifMatch: ['*'] }),
            PreconditionFailed,
          );
        }
      });
    });
  });
});

describe('AdminRepository before the tables exist (sqlite-file)', () => {
  const ctx = useAppOnDatabase('sqlite-file');

  it('reads nothing, and refuses writes with a 503 saying what to do', async () => {
    const store = new AdminRepository(
      ctx.app.app.get(DatabaseConnection),
      ctx.app.app.get(DataChanges),
    );
    expect(await store.listDomains({ limit: 5 })).toEqual({ items: [], nextCursor: null });
    expect(await store.getDomain('example.com')).toBeNull();
    expect(await store.listShared('servers', { limit: 5 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await store.domainsUsing('providers', 1, { limit: 5 })).toBeNull();
    const error = await rejectsWith(store.putDomain(plan('example.com'), {}), DomainError);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/migrate/);
  });
});

/** A shared server's columns as PUT takes them. */
function columnsOf(row: {
  type: string;
  name: string;
  port: number;
  socket_type: string;
  user_name: string;
  authentication: string;
  prio: number;
}) {
  const { type, name, port, socket_type, user_name, authentication, prio } = row;
  return { type, name, port, socket_type, user_name, authentication, prio };
}

/** A string literal of the dialect (MySQL string literals also escape with a backslash). */
function sqlText(dialect: Dialect, text: string): string {
  const escaped = text.replaceAll("'", "''");
  return `'${dialect === 'mysql' ? escaped.replaceAll('\\', '\\\\') : escaped}'`;
}

function quoted(dialect: Dialect, table: string): string {
  return dialect === 'mysql' ? `\`${table}\`` : `"${table}"`;
}
