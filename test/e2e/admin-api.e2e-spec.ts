import 'reflect-metadata';
import { domainToASCII } from 'node:url';
import type {
  DomainListItem,
  DomainView,
  ServerView,
  SharedKind,
} from '../../src/admin/admin-store';
import { DomainError } from '../../src/common/domain-error';
import { readImportDocument } from '../../src/provisioning/import-document';
import { useAdminApp } from '../support/admin-app';
import { AdminClient, domainPath, etagOf, type AdminAnswer } from '../support/admin-client';
import {
  davServer,
  domainBody,
  exportDocument,
  imapServer,
  ldapServer,
  provider,
  smtpServer,
  withoutIds,
  type DomainBody,
} from '../support/admin-documents';
import { expectError, expectJson, expectRefused } from '../support/admin-expect';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * The admin API (docs/admin-api.md) over real HTTP on the three engines: every route
 * and status of the contract, domains in every spelling, shared rows, preconditions
 * and the If-Match race, refused documents. Paging at scale, the shared-server edit,
 * bulk import/export, tokens and audit, and hostile bodies have files of their own
 * (admin-*.e2e-spec.ts).
 */

const KINDS: readonly SharedKind[] = ['servers', 'davservers', 'ldapservers', 'providers'];

/** The view PUT answers for `body`, ids being whatever the database assigned. */
function expectedView(name: string, body: DomainBody): unknown {
  const id = expect.any(Number) as unknown;
  return {
    name: body.name ?? name,
    provider: { id, ...body.provider },
    ldapserver: body.ldapserver ? { id, ...body.ldapserver } : null,
    servers: body.servers.map((server) => ({ id, ...server })),
    davservers: (body.davservers ?? []).map((server) => ({ id, ...server })),
  };
}

/** The `field: error` lines import names for an export document (the same rules). */
function importProblems(document: object): string[] {
  try {
    readImportDocument(JSON.stringify(document));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_SEED') {
      return error.message.split('\n');
    }
    throw error;
  }
  throw new Error('the document was accepted');
}

describe.each(ENGINE_DIALECTS)('admin API on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAdminApp(dialect, { config: { bodyLimit: 64 * 1024 } });
    const client = (): AdminClient => ctx.current.client;

    /** Every row as GET /export writes it (to show that nothing changed). */
    const stored = () => client().exportText();

    /** The id of the shared row of `kind` the domain uses (its first server of `type`). */
    const idIn = (view: DomainView, kind: SharedKind, type?: string): number => {
      switch (kind) {
        case 'providers':
          return view.provider.id;
        case 'ldapservers':
          if (view.ldapserver === null) throw new Error(`${view.name} has no LDAP server`);
          return view.ldapserver.id;
        case 'servers': {
          const server = view.servers.find((row) => type === undefined || row.type === type);
          if (!server) throw new Error(`${view.name} has no ${type ?? ''} server`);
          return server.id;
        }
        case 'davservers': {
          const server = view.davservers[0];
          if (!server) throw new Error(`${view.name} has no DAV server`);
          return server.id;
        }
      }
    };

    describe('domains', () => {
      it('PUT creates a domain: 201, Location, ETag and the view; GET finds it in every spelling', async () => {
        const name = 'bücher-api.example';
        const body = domainBody('create-api');
        const created = await client().put(domainPath(name), body);
        const view = expectJson<DomainView>(created, 201);
        expect(view).toEqual(expectedView(name, body));
        const etag = etagOf(created);
        expect(etag).toMatch(/^"[^"]+"$/);

        const location = new URL(String(created.headers.location), ctx.current.app.url);
        const viaLocation = await client().sendRaw('GET', `${location.pathname}${location.search}`);
        expect(expectJson(viaLocation, 200)).toEqual(view);

        const ascii = domainToASCII(name);
        expect(ascii).toBe('xn--bcher-api-q9a.example');
        for (const spelling of [
          name,
          name.toUpperCase(),
          'Bücher-Api.Example',
          ascii,
          ascii.toUpperCase(),
          `${ascii}`.replace('xn--', 'XN--'),
        ]) {
          const answer = await client().get(domainPath(spelling));
          expect({ spelling, body: expectJson(answer, 200) }).toEqual({ spelling, body: view });
          expect({ spelling, etag: etagOf(answer) }).toEqual({ spelling, etag });
        }
        const listed = await client().page<DomainListItem>('/domains', { search: 'bücher-api' });
        expect(listed).toEqual({
          items: [{ name, provider: body.provider.name }],
          next_cursor: null,
        });
      });

      it('GET → PUT of the same view (any spelling, with or without ids): 200, same ETag, nothing changes', async () => {
        const name = 'roundtrip-api.example';
        await client().putDomain(name, domainBody('roundtrip-api'));
        const { view, etag } = await client().domain(name);
        const before = await stored();
        for (const [path, body] of [
          [name.toUpperCase(), view],
          [name, withoutIds(view)],
          [name, { ...withoutIds(view), name: undefined }],
        ] as const) {
          const answer = await client().put(domainPath(path), body);
          expect(expectJson(answer, 200)).toEqual(view);
          expect(etagOf(answer)).toBe(etag);
        }
        expect(await stored()).toBe(before);
        expect((await client().domain(name)).etag).toBe(etag);
      });

      it('PUT replaces the settings (200): new ETag, GET answers the new view', async () => {
        const name = 'replace-api.example';
        await client().putDomain(name, domainBody('replace-api'));
        const { etag } = await client().domain(name);
        // The SMTP server is kept (the older id), the IMAP server is new: equal prios
        // are answered in id order.
        const body = domainBody('replace-api', {
          servers: [
            smtpServer('smtp.replace-api.example'),
            imapServer('imap.replace-api.example', { port: 143, socket_type: 'STARTTLS' }),
          ],
          davservers: [],
          ldapserver: ldapServer('ldap.replace-api.example'),
        });
        const answer = await client().put(domainPath(name), body);
        const view = expectJson<DomainView>(answer, 200);
        expect(view).toEqual(expectedView(name, body));
        expect(etagOf(answer)).not.toBe(etag);
        const again = await client().domain(name);
        expect(again.view).toEqual(view);
        expect(again.etag).toBe(etagOf(answer));
      });

      it('a `name` in the body sets the stored spelling; a different domain is a 400 naming `name`', async () => {
        await client().putDomain('spelling-api.example', domainBody('spelling-api'));
        const respelled = await client().put(domainPath('SPELLING-API.example'), {
          ...domainBody('spelling-api'),
          name: 'Spelling-API.Example',
        });
        expect(expectJson<DomainView>(respelled, 200).name).toBe('Spelling-API.Example');
        expect(await client().domains({ search: 'spelling-api' })).toEqual([
          { name: 'Spelling-API.Example', provider: 'Provider spelling-api' },
        ]);

        // Created in its ASCII form, then given its Unicode spelling.
        const ascii = domainToASCII('spëlling-idn.example');
        expect(
          expectJson<DomainView>(await client().put(domainPath(ascii), domainBody('sp-idn')), 201)
            .name,
        ).toBe(ascii);
        const unicode = await client().put(domainPath(ascii), {
          ...domainBody('sp-idn'),
          name: 'spëlling-idn.example',
        });
        expect(expectJson<DomainView>(unicode, 200).name).toBe('spëlling-idn.example');

        // Without a `name`, the path's spelling does not replace the stored one.
        const kept = await client().put(
          domainPath('SPELLING-API.EXAMPLE'),
          domainBody('spelling-api'),
        );
        expect(expectJson<DomainView>(kept, 200).name).toBe('Spelling-API.Example');
        const keptIdn = await client().put(domainPath(ascii.toUpperCase()), domainBody('sp-idn'));
        expect(expectJson<DomainView>(keptIdn, 200).name).toBe('spëlling-idn.example');

        const before = await stored();
        const other = await client().put(domainPath('spelling-api.example'), {
          ...domainBody('spelling-api'),
          name: 'another-api.example',
        });
        const problems = expectRefused(other);
        expect(problems[0]).toMatch(/^name: /);
        expect(await stored()).toBe(before);
        expect((await client().get(domainPath('another-api.example'))).status).toBe(404);
      });

      it('answers servers in the order clients get them: prio, then id', async () => {
        // The body's order is the order the rows are created in (ascending ids).
        const name = 'order-api.example';
        const servers = [
          smtpServer('smtp-10.order-api.example', { prio: 10 }),
          imapServer('imap-1.order-api.example', { prio: 1 }),
          { ...imapServer('pop-10.order-api.example', { prio: 10, port: 995 }), type: 'pop' },
          imapServer('imap-10.order-api.example', { prio: 10 }),
          smtpServer('smtp-5.order-api.example', { prio: 5 }),
        ];
        const view = await client().putDomain(name, domainBody('order-api', { servers }));
        const order = ['imap-1', 'smtp-5', 'smtp-10', 'pop-10', 'imap-10'];
        const names = (list: readonly ServerView[]) => list.map((s) => s.name.split('.')[0]);
        expect(names(view.servers)).toEqual(order);
        expect(names((await client().domain(name)).view.servers)).toEqual(order);
        const ids = view.servers.filter((server) => server.prio === 10).map((server) => server.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        // The autoconfig answer lists them in the same order.
        const answer = await client().sendRaw(
          'GET',
          `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(`a@${name}`)}`,
        );
        const hosts = [...answer.text.matchAll(/<hostname>([^<]*)<\/hostname>/g)].map(
          (match) => match[1]?.split('.')[0],
        );
        expect(hosts.filter((host) => host?.startsWith('imap') || host?.startsWith('pop'))).toEqual(
          order.filter((host) => !host.startsWith('smtp')),
        );
        expect(hosts.filter((host) => host?.startsWith('smtp'))).toEqual(
          order.filter((host) => host.startsWith('smtp')),
        );
      });

      it('identical servers, LDAP servers and providers are reused, so they stay shared', async () => {
        const body = domainBody('share-api', { ldapserver: ldapServer('ldap.share-api.example') });
        const a = await client().putDomain('share-a-api.example', body);
        const b = await client().putDomain('share-b-api.example', body);
        for (const kind of KINDS) expect(idIn(b, kind)).toBe(idIn(a, kind));
        expect(idIn(b, 'servers', 'smtp')).toBe(idIn(a, 'servers', 'smtp'));

        for (const kind of KINDS) {
          const { view } = await client().shared(kind, idIn(a, kind));
          expect({ kind, count: view.domain_count }).toEqual({ kind, count: 2 });
          const using = await client().page<DomainListItem>(`/${kind}/${idIn(a, kind)}/domains`);
          expect(using).toEqual({
            items: [
              { name: 'share-a-api.example', provider: 'Provider share-api' },
              { name: 'share-b-api.example', provider: 'Provider share-api' },
            ],
            next_cursor: null,
          });
        }
        // GET of an LDAP server returns its bind password (as export does).
        expect((await client().shared('ldapservers', idIn(a, 'ldapservers'))).view).toEqual({
          id: idIn(a, 'ldapservers'),
          ...ldapServer('ldap.share-api.example'),
          domain_count: 2,
        });

        // One column different: a row of its own.
        const c = await client().putDomain(
          'share-c-api.example',
          domainBody('share-api', {
            servers: [imapServer('imap.share-api.example', { port: 143 }), body.servers[1]!],
            ldapserver: ldapServer('ldap.share-api.example', { bind_password: 'other' }),
          }),
        );
        expect(idIn(c, 'servers', 'imap')).not.toBe(idIn(a, 'servers', 'imap'));
        expect(idIn(c, 'servers', 'smtp')).toBe(idIn(a, 'servers', 'smtp'));
        expect(idIn(c, 'ldapservers')).not.toBe(idIn(a, 'ldapservers'));
        expect(idIn(c, 'providers')).toBe(idIn(a, 'providers'));
      });

      it('rows nobody uses any more are deleted by PUT and by DELETE', async () => {
        const shared = domainBody('orphan-api', {
          ldapserver: ldapServer('ldap.orphan-api.example'),
        });
        const own = domainBody('orphan-api', {
          servers: [...shared.servers, imapServer('imap-own.orphan-api.example', { prio: 20 })],
          ldapserver: shared.ldapserver!,
        });
        const a = await client().putDomain('orphan-a-api.example', own);
        const b = await client().putDomain('orphan-b-api.example', shared);
        const ownServer = a.servers.find((server) => server.name.startsWith('imap-own'))!.id;
        const status = async (kind: SharedKind, id: number) =>
          (await client().get(`/${kind}/${id}`)).status;

        // `a` drops its own server: nobody uses it any more.
        await client().putDomain('orphan-a-api.example', shared);
        expectError(await client().get(`/servers/${ownServer}`), 404);

        // `b` goes: the shared rows stay (a uses them).
        expect((await client().delete(domainPath('orphan-b-api.example'))).status).toBe(204);
        for (const kind of KINDS)
          expect({ kind, status: await status(kind, idIn(b, kind)) }).toEqual({
            kind,
            status: 200,
          });

        // `a` goes too, in another spelling: every row of theirs is gone.
        const gone = await client().delete(domainPath('ORPHAN-A-API.EXAMPLE'));
        expect(gone.status).toBe(204);
        expect(gone.text).toBe('');
        for (const kind of KINDS) {
          expect({ kind, status: await status(kind, idIn(a, kind)) }).toEqual({
            kind,
            status: 404,
          });
        }
        expect(await status('servers', idIn(a, 'servers', 'smtp'))).toBe(404);
        expect(await client().exportText()).not.toContain('orphan-api');
      });

      it('DELETE in every spelling: 204, then GET and DELETE are 404', async () => {
        const ascii = domainToASCII('lösch-api.example');
        for (const [created, deleted] of [
          ['delete-api.example', 'DELETE-API.Example'],
          ['lösch-api.example', ascii.toUpperCase()],
          [ascii, 'LÖSCH-API.EXAMPLE'],
        ] as const) {
          await client().putDomain(created, domainBody('delete-api'));
          expect((await client().delete(domainPath(deleted))).status).toBe(204);
          expectError(await client().get(domainPath(created)), 404);
          expectError(await client().delete(domainPath(created)), 404);
        }
      });

      it('GET and DELETE of an unknown domain: 404', async () => {
        expectError(await client().get(domainPath('nowhere-api.example')), 404);
        expectError(await client().delete(domainPath('nowhere-api.example')), 404);
      });
    });

    describe('shared rows', () => {
      it('lists each kind in id order, paged, with the GET view of each row', async () => {
        await client().putDomain(
          'list-a-api.example',
          domainBody('list-a-api', {
            ldapserver: ldapServer('ldap.list-a-api.example'),
          }),
        );
        await client().putDomain(
          'list-b-api.example',
          domainBody('list-b-api', {
            ldapserver: ldapServer('ldap.list-b-api.example'),
          }),
        );
        for (const kind of KINDS) {
          const items = await client().walk<{ id: number; domain_count?: number }>(`/${kind}`, {
            limit: '2',
          });
          const ids = items.map((item) => item.id);
          expect({ kind, ids }).toEqual({ kind, ids: [...new Set(ids)].sort((x, y) => x - y) });
          expect(items.length).toBeGreaterThanOrEqual(2);
          const all = await client().page<{ id: number }>(`/${kind}`, { limit: '500' });
          expect(all.items.map((item) => item.id)).toEqual(ids);
          for (const item of items.slice(-2)) {
            const { view } = await client().shared(kind, item.id);
            expect(view).toEqual({ ...item, domain_count: expect.any(Number) as unknown });
          }
        }
      });

      it('PUT replaces the columns (id and domain_count in the body are ignored); every domain shows it', async () => {
        const body = domainBody('edit-api', { ldapserver: ldapServer('ldap.edit-api.example') });
        const a = await client().putDomain('edit-a-api.example', body);
        await client().putDomain('edit-b-api.example', body);
        const before = await client().domain('edit-b-api.example');
        const changes: { [K in SharedKind]: object } = {
          servers: imapServer('imap2.edit-api.example', {
            prio: 7,
            port: 143,
            socket_type: 'STARTTLS',
          }),
          davservers: davServer('https://dav2.edit-api.example/', { type: 'carddav', port: 8443 }),
          ldapservers: ldapServer('ldap2.edit-api.example', {
            port: 389,
            use_ssl: false,
            attr_cn: null,
          }),
          providers: provider('Provider edit-api renamed', 'Renamed'),
        };
        for (const kind of KINDS) {
          const id = idIn(a, kind);
          const answer = await client().put(`/${kind}/${id}`, {
            ...changes[kind],
            id: id + 1000,
            domain_count: 0,
          });
          expect({ kind, view: expectJson(answer, 200) }).toEqual({
            kind,
            view: { id, ...changes[kind], domain_count: 2 },
          });
          expect(etagOf(answer)).toBe((await client().shared(kind, id)).etag);
        }
        for (const name of ['edit-a-api.example', 'edit-b-api.example']) {
          const { view } = await client().domain(name);
          expect(view.provider).toEqual({ id: a.provider.id, ...changes.providers });
          expect(view.ldapserver).toEqual({ id: idIn(a, 'ldapservers'), ...changes.ldapservers });
          expect(view.davservers).toEqual([{ id: idIn(a, 'davservers'), ...changes.davservers }]);
          // prio 7 now comes before the SMTP server's 10.
          expect(view.servers.map((server) => server.name)).toEqual([
            'imap2.edit-api.example',
            'smtp.edit-api.example',
          ]);
        }
        // The domain's ETag follows the rows it shows.
        expect((await client().domain('edit-b-api.example')).etag).not.toBe(before.etag);
      });

      it('GET, PUT, DELETE and /domains of a row that does not exist: 404', async () => {
        const columns: { [K in SharedKind]: object } = {
          servers: imapServer('imap.none-api.example'),
          davservers: davServer('https://none-api.example/'),
          ldapservers: ldapServer('ldap.none-api.example'),
          providers: provider('None API'),
        };
        const before = await stored();
        for (const kind of KINDS) {
          expectError(await client().get(`/${kind}/987654`), 404);
          expectError(await client().get(`/${kind}/987654/domains`), 404);
          expectError(await client().put(`/${kind}/987654`, columns[kind]), 404);
          expectError(await client().delete(`/${kind}/987654`), 404);
        }
        expect(await stored()).toBe(before);
      });

      it('ids that are not ids are refused as 400 or 404, never more', async () => {
        for (const kind of KINDS) {
          for (const id of [
            'abc',
            '-1',
            '0',
            '1.5',
            '1e3',
            '99999999999999999999',
            '%20',
            '0x10',
          ]) {
            for (const method of ['GET', 'DELETE']) {
              const answer = await client().send(method, `/${kind}/${id}`);
              expect([400, 404]).toContain(answer.status);
              expectError(answer, answer.status);
            }
          }
        }
      });

      it('DELETE: 409 while a domain uses the row (nothing changes), 204 when unused, then 404', async () => {
        const a = await client().putDomain(
          'inuse-api.example',
          domainBody('inuse-api', { ldapserver: ldapServer('ldap.inuse-api.example') }),
        );
        const before = await stored();
        for (const kind of KINDS)
          expectError(await client().delete(`/${kind}/${idIn(a, kind)}`), 409);
        expect(await stored()).toBe(before);

        await ctx.current.db.sql(
          [
            "INSERT INTO provider (name, short_name) VALUES ('Unused API', 'Unused')",
            'INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) ' +
              "VALUES (10, 'imap.unused-api.example', 993, 'imap', 'SSL', '%EMAILADDRESS%', 'plain')",
            'INSERT INTO davserver (url, port, type, use_ssl, domain_required, user_name) ' +
              "VALUES ('https://dav.unused-api.example/', 0, 'caldav', TRUE, TRUE, NULL)",
            'INSERT INTO ldapserver (name, port, use_ssl, search_base, search_filter, attr_uid, ' +
              "attr_cn, bind_password, bind_user) VALUES ('ldap.unused-api.example', 636, TRUE, " +
              "'dc=example', '(mail={0})', 'uid', NULL, NULL, NULL)",
          ].join(';\n'),
        );
        const unusedName: { [K in SharedKind]: (row: Record<string, unknown>) => boolean } = {
          providers: (row) => row.name === 'Unused API',
          servers: (row) => row.name === 'imap.unused-api.example',
          davservers: (row) => row.url === 'https://dav.unused-api.example/',
          ldapservers: (row) => row.name === 'ldap.unused-api.example',
        };
        for (const kind of KINDS) {
          const rows = await client().walk<Record<string, unknown>>(`/${kind}`, { limit: '500' });
          const row = rows.find(unusedName[kind]);
          expect({ kind, found: row !== undefined }).toEqual({ kind, found: true });
          const id = Number(row!.id);
          expect((await client().shared(kind, id)).view.domain_count).toBe(0);
          expect(await client().page(`/${kind}/${id}/domains`)).toEqual({
            items: [],
            next_cursor: null,
          });
          const deleted = await client().delete(`/${kind}/${id}`);
          expect({ kind, status: deleted.status }).toEqual({ kind, status: 204 });
          expectError(await client().get(`/${kind}/${id}`), 404);
          expectError(await client().delete(`/${kind}/${id}`), 404);
        }
      });

      it('renaming a provider to another provider’s name is 409, and nothing changes', async () => {
        const a = await client().putDomain('conflict-a-api.example', domainBody('conflict-a-api'));
        await client().putDomain('conflict-b-api.example', domainBody('conflict-b-api'));
        const before = await stored();
        const answer = await client().put(
          `/providers/${a.provider.id}`,
          provider('Provider conflict-b-api', 'Other'),
        );
        expectError(answer, 409);
        expect(await stored()).toBe(before);
        // Its own name (another short name) is fine.
        const own = await client().put(
          `/providers/${a.provider.id}`,
          provider('Provider conflict-a-api', 'Own'),
        );
        expect(expectJson(own, 200)).toMatchObject({
          name: 'Provider conflict-a-api',
          short_name: 'Own',
        });
      });
    });

    describe('preconditions', () => {
      it('PUT with If-None-Match: * creates (201) once, then 412', async () => {
        const name = 'inm-api.example';
        const headers = { 'If-None-Match': '*' };
        expect(
          (await client().put(domainPath(name), domainBody('inm-api'), { headers })).status,
        ).toBe(201);
        const before = await stored();
        const again = await client().put(domainPath(name.toUpperCase()), domainBody('inm-api-2'), {
          headers,
        });
        expectError(again, 412);
        expect(await stored()).toBe(before);
      });

      it('PUT and DELETE with If-Match: the current ETag (or *) passes, a stale one or a missing domain is 412', async () => {
        const name = 'im-api.example';
        await client().putDomain(name, domainBody('im-api'));
        const first = await client().domain(name);
        const changed = domainBody('im-api', {
          servers: [imapServer('imap.im-api.example', { prio: 3 })],
        });
        const ok = await client().put(domainPath(name), changed, {
          headers: { 'If-Match': first.etag },
        });
        expect(ok.status).toBe(200);
        const before = await stored();
        for (const ifMatch of [first.etag, '"nonsense"', 'W/"nonsense"']) {
          expectError(
            await client().put(domainPath(name), domainBody('im-api'), {
              headers: { 'If-Match': ifMatch },
            }),
            412,
          );
          expectError(
            await client().delete(domainPath(name), { headers: { 'If-Match': ifMatch } }),
            412,
          );
        }
        expect(await stored()).toBe(before);
        // A list with the current tag, and *, pass.
        const current = etagOf(ok);
        expect(
          (
            await client().put(domainPath(name), changed, {
              headers: { 'If-Match': `"other", ${current}` },
            })
          ).status,
        ).toBe(200);
        expect(
          (await client().put(domainPath(name), changed, { headers: { 'If-Match': '*' } })).status,
        ).toBe(200);
        // A domain that does not exist matches no tag, not even *: nothing is created.
        for (const ifMatch of ['*', current]) {
          expectError(
            await client().put(domainPath('im-missing-api.example'), changed, {
              headers: { 'If-Match': ifMatch },
            }),
            412,
          );
        }
        expectError(await client().get(domainPath('im-missing-api.example')), 404);
        const deleted = await client().delete(domainPath(name), {
          headers: { 'If-Match': current },
        });
        expect(deleted.status).toBe(204);
      });

      it('a shared row: If-Match on PUT and DELETE; its edit changes the ETag of its domains', async () => {
        const a = await client().putDomain('imshared-api.example', domainBody('imshared-api'));
        const domainBefore = await client().domain('imshared-api.example');
        const id = idIn(a, 'servers', 'imap');
        const { view, etag } = await client().shared('servers', id);
        const edited = { ...view, prio: 4 };
        const ok = await client().put(`/servers/${id}`, edited, { headers: { 'If-Match': etag } });
        expect(expectJson(ok, 200)).toMatchObject({ id, prio: 4 });
        expectError(
          await client().put(`/servers/${id}`, view, { headers: { 'If-Match': etag } }),
          412,
        );
        expectError(
          await client().delete(`/servers/${id}`, { headers: { 'If-Match': etag } }),
          412,
        );
        // The domain shows the server: its ETag changed, an If-Match with the old one fails.
        const domainAfter = await client().domain('imshared-api.example');
        expect(domainAfter.etag).not.toBe(domainBefore.etag);
        expectError(
          await client().put(domainPath('imshared-api.example'), domainBody('imshared-api'), {
            headers: { 'If-Match': domainBefore.etag },
          }),
          412,
        );
        expect((await client().domain('imshared-api.example')).view).toEqual(domainAfter.view);
      });
    });

    describe('concurrent writers', () => {
      it('the If-Match race: of two clients with the same ETag exactly one wins, the other gets 412', async () => {
        const name = 'race-api.example';
        const [first, second] = [
          new AdminClient(ctx.current.app.url, ctx.current.token),
          new AdminClient(ctx.current.app.url, ctx.current.token),
        ];
        await first.putDomain(name, domainBody('race-api'));
        for (let round = 0; round < 6; round += 1) {
          const [seenByFirst, seenBySecond] = await Promise.all([
            first.domain(name),
            second.domain(name),
          ]);
          expect(seenBySecond.etag).toBe(seenByFirst.etag);
          const bodies = [first, second].map((_, index) =>
            domainBody('race-api', {
              servers: [imapServer('imap.race-api.example', { prio: 100 + round * 2 + index })],
            }),
          );
          const answers = await Promise.all(
            [first, second].map((writer, index) =>
              writer.put(domainPath(name), bodies[index], {
                headers: { 'If-Match': seenByFirst.etag },
              }),
            ),
          );
          expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
          const winner = answers.findIndex((answer) => answer.status === 200);
          expectError(answers[1 - winner]!, 412);
          const now = await first.domain(name);
          expect(now.view).toEqual(expectedView(name, bodies[winner]!));
          expect(now.etag).toBe(etagOf(answers[winner]!));
        }
      });

      it('the race on a shared row, DELETE against PUT, and two creations with If-None-Match', async () => {
        const a = await client().putDomain('race2-api.example', domainBody('race2-api'));
        const id = idIn(a, 'servers', 'imap');
        for (let round = 0; round < 3; round += 1) {
          const { view, etag } = await client().shared('servers', id);
          const answers = await Promise.all(
            [1, 2].map((prio) =>
              client().put(
                `/servers/${id}`,
                { ...view, prio: 200 + round * 2 + prio },
                {
                  headers: { 'If-Match': etag },
                },
              ),
            ),
          );
          expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
        }

        for (let round = 0; round < 3; round += 1) {
          const name = `race3-${round}-api.example`;
          await client().putDomain(name, domainBody('race3-api'));
          const { etag } = await client().domain(name);
          const headers = { 'If-Match': etag };
          const [put, deleted] = await Promise.all([
            client().put(domainPath(name), domainBody('race3-api', { davservers: [] }), {
              headers,
            }),
            client().delete(domainPath(name), { headers }),
          ]);
          const outcome = [put.status, deleted.status];
          expect([
            [200, 412],
            [412, 204],
          ]).toContainEqual(outcome);
          expect((await client().get(domainPath(name))).status).toBe(
            put.status === 200 ? 200 : 404,
          );
        }

        for (let round = 0; round < 3; round += 1) {
          const name = `race4-${round}-api.example`;
          const answers = await Promise.all(
            ['race4-a', 'race4-b'].map((tag) =>
              client().put(domainPath(name), domainBody(tag), {
                headers: { 'If-None-Match': '*' },
              }),
            ),
          );
          expect(answers.map((answer) => answer.status).sort()).toEqual([201, 412]);
        }
      });

      it('concurrent PUTs without preconditions: one creates, the other replaces; shared rows stay single', async () => {
        const answers = await Promise.all(
          [0, 1].map(() => client().put(domainPath('race5-api.example'), domainBody('race5-api'))),
        );
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201]);
        const names = Array.from({ length: 8 }, (_, index) => `race6-${index}-api.example`);
        const created = await Promise.all(
          names.map((name) => client().put(domainPath(name), domainBody('race6-api'))),
        );
        expect(created.map((answer) => answer.status)).toEqual(names.map(() => 201));
        const views = created.map((answer) => answer.json as DomainView);
        for (const kind of KINDS.filter((kind) => kind !== 'ldapservers')) {
          const ids = new Set(views.map((view) => idIn(view, kind)));
          expect({ kind, ids: ids.size }).toEqual({ kind, ids: 1 });
          const { view } = await client().shared(kind, idIn(views[0]!, kind));
          expect({ kind, count: view.domain_count }).toEqual({ kind, count: names.length });
        }
      });
    });

    describe('refused documents', () => {
      it('a domain body: 400 with `field` and every problem, in the words of import; nothing changes', async () => {
        const body = {
          ...domainBody('refused-api'),
          provider: { name: 'Refused\u0001 API', short_name: 'Refused' },
          servers: [
            imapServer('imap.refused-api.example', { port: 0 }),
            { ...smtpServer('smtp.refused-api.example'), name: undefined },
            { ...imapServer('imap2.refused-api.example'), prio: '5' },
          ],
          davservers: [davServer('https://dav.refused-api.example/', { port: 65536 })],
        };
        const before = await stored();
        const problems = expectRefused(await client().put(domainPath('refused-api.example'), body));
        // The same rules and messages as an export document with these rows.
        const words = importProblems(
          exportDocument({
            providers: [{ id: 1, ...body.provider }],
            domains: [{ name: 'refused-api.example', provider_id: 1, ldapserver_id: null }],
            servers: body.servers.map((server) => ({
              ...(server as ServerView),
              domains: ['refused-api.example'],
            })),
            davservers: body.davservers.map((server) => ({
              ...server,
              domains: ['refused-api.example'],
            })),
          }),
        )
          // The domain's own problem (its provider is refused) has no place in a domain body.
          .filter((line) => !line.startsWith('domains['))
          .map((line) => line.replace(/^providers\[0\]\./, 'provider.'));
        expect(words).toHaveLength(5);
        expect(problems).toEqual(words);
        expect(await stored()).toBe(before);
        expectError(await client().get(domainPath('refused-api.example')), 404);
      });

      it('a shared row: 400 naming its fields, nothing changes', async () => {
        const a = await client().putDomain('refused2-api.example', domainBody('refused2-api'));
        const id = idIn(a, 'servers', 'imap');
        const { view } = await client().shared('servers', id);
        const before = await stored();
        const problems = expectRefused(
          await client().put(`/servers/${id}`, { ...view, port: 70000, socket_type: 5 }),
        );
        expect(problems.map((problem) => problem.split(':')[0])).toEqual(['port', 'socket_type']);
        expect(problems[0]).toBe('port: must be a port number from 1 to 65535');
        const providerProblems = expectRefused(
          await client().put(`/providers/${a.provider.id}`, {
            name: 5,
            short_name: 'x'.repeat(33),
          }),
        );
        expect(providerProblems.map((problem) => problem.split(':')[0])).toEqual([
          'name',
          'short_name',
        ]);
        expect(await stored()).toBe(before);
      });
    });

    describe('lists, paths, methods and media types', () => {
      it('limit must be 1 to 500; a page never holds more than the limit', async () => {
        for (const name of ['limit-a-api.example', 'limit-b-api.example', 'limit-c-api.example']) {
          await client().putDomain(name, domainBody('limit-api'));
        }
        for (const limit of ['0', '501', '-1', '1.5', 'abc', '', '1e2', '99999999999999999999']) {
          for (const path of ['/domains', '/servers', '/providers']) {
            expectError(await client().get(`${path}?limit=${encodeURIComponent(limit)}`), 400);
          }
        }
        const page = await client().page<DomainListItem>('/domains', {
          limit: '1',
          search: 'limit-',
        });
        expect(page.items).toEqual([
          { name: 'limit-a-api.example', provider: 'Provider limit-api' },
        ]);
        expect(typeof page.next_cursor).toBe('string');
        const rest = await client().page<DomainListItem>('/domains', {
          limit: '500',
          search: 'limit-',
          cursor: page.next_cursor!,
        });
        expect(rest.items.map((item) => item.name)).toEqual([
          'limit-b-api.example',
          'limit-c-api.example',
        ]);
        expect(rest.next_cursor).toBeNull();
        const all = await client().page<DomainListItem>('/domains', { limit: '500' });
        expect(all.items.length).toBeLessThanOrEqual(500);
        for (const cursor of ['%%%', 'x'.repeat(2000), '\u0000']) {
          const answer = await client().get(`/domains?cursor=${encodeURIComponent(cursor)}`);
          expect([200, 400]).toContain(answer.status);
          if (answer.status === 400) expectError(answer, 400);
        }
      });

      it('unknown paths under /admin/api/ are JSON 404s', async () => {
        for (const path of [
          '//admin/api/v1/',
          '//admin/api/v1/nothing',
          '//admin/api/v2/domains',
          '//admin/api/v1/domains/a.example/servers',
          '//admin/api/v1/servers/1/domains/x',
          '//admin/api/nothing',
        ]) {
          expectError(await client().get(path), 404);
        }
      });

      it('wrong methods are JSON 405s with Allow', async () => {
        for (const [method, path] of [
          ['POST', '/domains'],
          ['DELETE', '/domains'],
          ['PUT', '/domains'],
          ['POST', '/domains/a.example'],
          ['PATCH', '/domains/a.example'],
          ['POST', '/servers'],
          ['PUT', '/servers'],
          ['POST', '/servers/1'],
          ['PATCH', '/providers/1'],
          ['PUT', '/servers/1/domains'],
          ['GET', '/import?mode=merge'],
          ['PUT', '/import?mode=merge'],
          ['PUT', '/export'],
          ['POST', '/export'],
          ['DELETE', '/export'],
        ] as const) {
          const answer = await client().send(method, path, { body: {} });
          const label = `${method} ${path}`;
          expect({ label, status: answer.status }).toEqual({ label, status: 405 });
          expectError(answer, 405);
          expect({ label, allow: typeof answer.headers.allow }).toEqual({ label, allow: 'string' });
          expect(String(answer.headers.allow)).not.toContain(method);
        }
      });

      it('bodies that are not JSON are 415; larger than body_limit 413; nothing changes', async () => {
        const name = 'media-api.example';
        const json = JSON.stringify(domainBody('media-api'));
        const before = await stored();
        for (const contentType of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonp',
          'text/json',
          null,
        ]) {
          const answer = await client().put(domainPath(name), json, { contentType });
          expect({ contentType, status: answer.status }).toEqual({ contentType, status: 415 });
          expectError(answer, 415);
        }
        const big = JSON.stringify({ ...domainBody('media-api'), padding: 'x'.repeat(70 * 1024) });
        expectError(await client().put(domainPath(name), big), 413);
        expect(await stored()).toBe(before);
        // With a charset parameter it is JSON.
        const answer = await client().put(domainPath(name), json, {
          contentType: 'application/json; charset=utf-8',
        });
        expect(answer.status).toBe(201);
      });

      it('every route without a token: 401 with WWW-Authenticate, nothing changes', async () => {
        const a = await client().putDomain('noauth-api.example', domainBody('noauth-api'));
        const before = await stored();
        const anonymous = client().withToken(null);
        const routes: [string, string, object?][] = [
          ['GET', '/domains'],
          ['GET', domainPath('noauth-api.example')],
          ['PUT', domainPath('noauth-api.example'), domainBody('noauth-api-2')],
          ['DELETE', domainPath('noauth-api.example')],
          [
            'POST',
            '/import?mode=replace',
            exportDocument({ providers: [], domains: [], servers: [] }),
          ],
          ['GET', '/export'],
        ];
        for (const kind of KINDS) {
          // The domain has no LDAP server; any id does, the token is checked first.
          const id = idIn(a, kind === 'ldapservers' ? 'providers' : kind);
          routes.push(
            ['GET', `/${kind}`],
            ['GET', `/${kind}/${id}`],
            ['GET', `/${kind}/${id}/domains`],
            ['PUT', `/${kind}/${id}`, {}],
            ['DELETE', `/${kind}/${id}`],
          );
        }
        for (const [method, path, body] of routes) {
          const answer = await anonymous.send(method, path, body === undefined ? {} : { body });
          const label = `${method} ${path}`;
          expect({ label, status: answer.status }).toEqual({ label, status: 401 });
          expectError(answer, 401);
          expect(answer.headers['www-authenticate']).toBe('Bearer realm="automx2-nest admin"');
        }
        expect(await stored()).toBe(before);
      });
    });
  });
});

describe('without admin_tokens_file', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dbUri: 'sqlite:///:memory:' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('every /admin/ path is a 404, the same as any unknown path, whatever the method and token', async () => {
    const anonymous = new AdminClient(app.url, 'whatever');
    const reference: AdminAnswer = await anonymous.sendRaw('GET', '/no-such-page');
    expect(reference.status).toBe(404);
    for (const path of [
      '/admin',
      '/admin/',
      '/admin/api',
      '/admin/api/v1',
      '/admin/api/v1/',
      '/admin/api/v1/domains',
      '/admin/api/v1/domains/example.com',
      '/admin/api/v1/servers/1',
      '/admin/api/v1/export',
      '/admin/api/v1/openapi.json',
    ]) {
      for (const method of ['GET', 'PUT', 'DELETE', 'POST']) {
        const answer = await anonymous.sendRaw(method, path, method === 'GET' ? {} : { body: {} });
        const label = `${method} ${path}`;
        expect({ label, status: answer.status }).toEqual({ label, status: 404 });
        expect(answer.headers['www-authenticate']).toBeUndefined();
        if (method === 'GET') {
          expect(answer.headers['content-type']).toBe(reference.headers['content-type']);
          expect(answer.text).toBe(reference.text);
        }
      }
    }
  });
});
