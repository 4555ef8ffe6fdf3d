import { createToken, revokeToken } from '../../src/admin/auth/token-file';
import { useAdminApp } from '../support/admin-app';
import { AdminClient, domainPath, type AdminAnswer } from '../support/admin-client';
import { domainBody, exportDocument, imapServer, ldapServer } from '../support/admin-documents';
import { expectError } from '../support/admin-expect';
import { describeDialect, ENGINE_DIALECTS } from '../support/test-databases';

/**
 * Who may use the admin API and what it leaves behind (docs/admin-api.md, "Enabling it
 * and tokens" and "Audit"), over real HTTP: missing, malformed, wrong and revoked tokens,
 * tokens added while the server runs, the per-client limit on failures (two clients on
 * one machine: two loopback source addresses), and the audit trail in JSON lines.
 */

const REALM = 'Bearer realm="automx2-nest admin"';
const FAILURES = 4;
/** The contract: token changes apply within 10 s. */
const TOKEN_CHANGE_DEADLINE_MS = 10_000;
const BIND_PASSWORD = 'Bind-Pa55word-of-the-audit-test';
const NEW_BIND_PASSWORD = 'Another-Bind-Pa55word-2';

/** Every line of every application of this file (Nest logs through the newest one). */
const log: string[] = [];

/** A loopback source address no other request of this file has used: a new client. */
let nextClient = 0;
function freshAddress(): string {
  nextClient += 1;
  return `127.1.${Math.floor(nextClient / 250)}.${(nextClient % 250) + 1}`;
}

/** The parsed JSON log lines written since `from` (an index into `log`). */
function jsonLines(from: number): Record<string, unknown>[] {
  return log.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const auditLines = (from: number) => jsonLines(from).filter((line) => line.context === 'Audit');

/** Polls `attempt` (a fresh client each time) until `done`, at most `deadlineMs`. */
async function within(
  deadlineMs: number,
  attempt: () => Promise<AdminAnswer>,
  done: (answer: AdminAnswer) => boolean,
): Promise<{ answer: AdminAnswer; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const answer = await attempt();
    const elapsedMs = Date.now() - started;
    if (done(answer) || elapsedMs > deadlineMs) return { answer, elapsedMs };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.each(ENGINE_DIALECTS)('admin API tokens and audit on %s', (dialect) => {
  describeDialect(dialect)('', () => {
    const ctx = useAdminApp(dialect, {
      admin: { authFailures: FAILURES },
      config: { logFormat: 'json', loglevel: 'INFO' },
      logLines: log,
    });
    const client = () => ctx.current.client;
    /** The token's secret: what follows `amx2_<id>_`. */
    const secretOf = (token: string) => token.split('_').slice(2).join('_');
    /** A client of its own address (its failures count for nobody else). */
    const fresh = (token: string | null = ctx.current.token) =>
      new AdminClient(ctx.current.app.url, token, { localAddress: freshAddress() });

    describe('tokens', () => {
      it('a missing, malformed or wrong token is 401 with WWW-Authenticate, never echoed', async () => {
        const { token } = ctx.current;
        const [, id] = token.split('_');
        const secret = secretOf(token);
        const wrongSecret = `${secret.slice(0, -4)}${secret.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
        const cases: [string, string | null, string][] = [
          ['no header', null, REALM],
          ['an empty header', '', REALM],
          ['"Bearer" alone', 'Bearer', REALM],
          ['Basic', `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`, REALM],
          ['another scheme', `Token ${token}`, REALM],
          ['the token twice', `Bearer ${token} ${token}`, `${REALM}, error="invalid_token"`],
          ['a comma', `Bearer ${token},`, `${REALM}, error="invalid_token"`],
          ['a character more', `Bearer ${token}x`, `${REALM}, error="invalid_token"`],
          ['a character less', `Bearer ${token.slice(0, -1)}`, `${REALM}, error="invalid_token"`],
          ['a wrong secret', `Bearer amx2_${id}_${wrongSecret}`, `${REALM}, error="invalid_token"`],
          [
            'an unknown id',
            `Bearer amx2_0123456789abcdef_${secret}`,
            `${REALM}, error="invalid_token"`,
          ],
          ['the secret alone', `Bearer ${secret}`, `${REALM}, error="invalid_token"`],
          ['4,000 characters', `Bearer ${'a'.repeat(4000)}`, `${REALM}, error="invalid_token"`],
          ['non-ASCII', 'Bearer t\u00f6ken', `${REALM}, error="invalid_token"`],
        ];
        for (const [label, authorization, challenge] of cases) {
          const answer = await fresh(null).get('/domains', { authorization });
          expect({ label, status: answer.status }).toEqual({ label, status: 401 });
          expectError(answer, 401);
          expect({ label, challenge: answer.headers['www-authenticate'] }).toEqual({
            label,
            challenge,
          });
          expect(answer.text).not.toContain(secret.slice(0, 8));
          expect(answer.text).not.toContain(id);
        }
        // Scheme names are case-insensitive.
        expect((await fresh().get('/domains', { authorization: `bearer ${token}` })).status).toBe(
          200,
        );
      });

      it('a token added while the server runs works within 10 s; revoked, it is refused within 10 s', async () => {
        const { tokensFile } = ctx.current;
        const added = await createToken(tokensFile, 'added-later');
        const works = await within(
          TOKEN_CHANGE_DEADLINE_MS,
          () => fresh(added).get('/domains'),
          (answer) => answer.status === 200,
        );
        expect(works.answer.status).toBe(200);
        const before = log.length;
        expect(
          (await fresh(added).put(domainPath('added-token.example'), domainBody('added-token')))
            .status,
        ).toBe(201);
        expect(auditLines(before)).toEqual([
          expect.objectContaining({ token: 'added-later', method: 'PUT' }),
        ]);

        expect(await revokeToken(tokensFile, 'added-later')).toBe(true);
        const refused = await within(
          TOKEN_CHANGE_DEADLINE_MS,
          () => fresh(added).get('/domains'),
          (answer) => answer.status === 401,
        );
        expect(refused.answer.status).toBe(401);
        expectError(refused.answer, 401);
        // Every write with it is refused too, and the first token still works.
        expectError(await fresh(added).delete(domainPath('added-token.example')), 401);
        expect((await client().get(domainPath('added-token.example'))).status).toBe(200);
      });

      it(`after ${FAILURES} failures a client gets 429 with Retry-After, its good token too; another client does not`, async () => {
        const address = freshAddress();
        const bad = new AdminClient(ctx.current.app.url, ctx.current.token, {
          localAddress: address,
        });
        const wrong = `Bearer amx2_0123456789abcdef_${'A'.repeat(43)}`;
        for (let attempt = 1; attempt <= FAILURES; attempt += 1) {
          const answer = await bad.get('/domains', { authorization: wrong });
          expect({ attempt, status: answer.status }).toEqual({ attempt, status: 401 });
        }
        const before = await client().exportText();
        const limited: AdminAnswer[] = [
          await bad.get('/domains', { authorization: wrong }),
          await bad.get('/domains'),
          await bad.put(domainPath('limited.example'), domainBody('limited')),
          await bad.get('/domains', { headers: { 'X-Forwarded-For': '203.0.113.7' } }),
          await bad.get('/domains', { authorization: null }),
        ];
        for (const answer of limited) {
          expectError(answer, 429);
          const retryAfter = String(answer.headers['retry-after']);
          expect(retryAfter).toMatch(/^\d+$/);
          expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
          expect(Number(retryAfter)).toBeLessThanOrEqual(60);
        }
        expect(await client().exportText()).toBe(before);

        // Another client (another source address) is not affected, good token or bad.
        const other = fresh();
        expect((await other.get('/domains')).status).toBe(200);
        expect((await other.get('/domains', { authorization: wrong })).status).toBe(401);
        expect((await other.get('/domains')).status).toBe(200);
        expect((await client().get('/domains')).status).toBe(200);
      });
    });

    describe('audit', () => {
      it('writes exactly one JSON line per change, none for reads and refused writes', async () => {
        const from = log.length;
        const second = new AdminClient(ctx.current.app.url, ctx.current.token, {
          localAddress: '127.0.0.2',
        });
        const body = domainBody('audit', {
          ldapserver: ldapServer('ldap.audit.example', { bind_password: BIND_PASSWORD }),
        });
        const changes: { method: string; resource: RegExp; answer: AdminAnswer }[] = [];
        const change = async (method: string, resource: RegExp, pending: Promise<AdminAnswer>) => {
          const answer = await pending;
          expect({ method, status: answer.status }).toEqual({
            method,
            status: expect.any(Number) as unknown,
          });
          expect([200, 201, 204]).toContain(answer.status);
          changes.push({ method, resource, answer });
          return answer;
        };
        const created = await change(
          'PUT',
          /\/admin\/api\/v1\/domains\/audit-a\.example$/,
          client().put(domainPath('audit-a.example'), body),
        );
        const view = created.json as { ldapserver: { id: number }; servers: { id: number }[] };
        await change(
          'PUT',
          /\/admin\/api\/v1\/domains\/audit-a\.example$/i,
          second.put(domainPath('AUDIT-A.example'), { ...body, davservers: [] }),
        );
        await change(
          'PUT',
          new RegExp(`/admin/api/v1/ldapservers/${view.ldapserver.id}$`),
          client().put(
            `/ldapservers/${view.ldapserver.id}`,
            ldapServer('ldap.audit.example', { bind_password: NEW_BIND_PASSWORD }),
          ),
        );
        await change(
          'PUT',
          new RegExp(`/admin/api/v1/servers/${view.servers[0]!.id}$`),
          client().put(`/servers/${view.servers[0]!.id}`, {
            ...(await client().shared('servers', view.servers[0]!.id)).view,
            prio: 3,
          }),
        );
        await change(
          'POST',
          /\/admin\/api\/v1\/import$/,
          client().post(
            '/import?mode=merge',
            exportDocument({
              providers: [{ id: 1, name: 'Audit Import', short_name: 'Audit' }],
              domains: [{ name: 'audit-b.example', provider_id: 1, ldapserver_id: null }],
              servers: [
                {
                  type: 'imap',
                  name: 'imap.audit-b.example',
                  port: 993,
                  socket_type: 'SSL',
                  user_name: '%EMAILADDRESS%',
                  authentication: 'plain',
                  prio: 10,
                  domains: ['audit-b.example'],
                },
              ],
            }),
          ),
        );
        await change(
          'DELETE',
          /\/admin\/api\/v1\/domains\/audit-b\.example$/,
          client().delete(domainPath('audit-b.example')),
        );

        // Reads and refused writes: no audit line.
        const { etag } = await client().domain('audit-a.example');
        const refused = [
          await client().get('/domains'),
          await client().get(domainPath('audit-a.example')),
          await client().get(`/ldapservers/${view.ldapserver.id}`),
          await client().get('/export'),
          await client().put(domainPath('audit-c.example'), {
            ...body,
            servers: [imapServer('imap.audit.example', { port: 0 })],
          }),
          await client().put(domainPath('audit-a.example'), body, {
            headers: { 'If-Match': '"stale"' },
          }),
          await client().put(domainPath('audit-a.example'), body, {
            headers: { 'If-None-Match': '*' },
          }),
          await client().delete(`/servers/${view.servers[0]!.id}`),
          await client().delete(domainPath('audit-none.example')),
          await client().put(domainPath('audit-a.example'), JSON.stringify(body), {
            contentType: 'text/plain',
          }),
          await client().post(
            '/import?mode=sideways',
            exportDocument({ providers: [], domains: [], servers: [] }),
          ),
          await fresh(null).delete(domainPath('audit-a.example')),
        ];
        expect(refused.map((answer) => answer.status)).toEqual([
          200, 200, 200, 200, 400, 412, 412, 409, 404, 415, 400, 401,
        ]);
        expect((await client().domain('audit-a.example')).etag).toBe(etag);

        const lines = auditLines(from);
        expect(lines).toHaveLength(changes.length);
        lines.forEach((line, index) => {
          const expected = changes[index]!;
          expect(line).toEqual(
            expect.objectContaining({
              level: 'INFO',
              context: 'Audit',
              token: ctx.current.tokenName,
              client: index === 1 ? '127.0.0.2' : '127.0.0.1',
              method: expected.method,
              resource: expect.stringMatching(expected.resource) as unknown,
              change: expect.any(String) as unknown,
            }),
          );
          expect((line.change as string).length).toBeGreaterThan(0);
        });
        expect(lines[0]!.change).toMatch(/created/);
        expect(lines[1]!.change).toMatch(/replaced/);
      });

      it('no log line ever holds a token, a part of its secret, or an LDAP bind password', () => {
        const { token } = ctx.current;
        const secret = secretOf(token);
        const text = log.join('');
        expect(log.length).toBeGreaterThan(0);
        expect(text).not.toContain(token);
        for (let start = 0; start + 8 <= secret.length; start += 1) {
          const part = secret.slice(start, start + 8);
          expect({ part, found: text.includes(part) }).toEqual({ part, found: false });
        }
        expect(text).not.toContain(BIND_PASSWORD);
        expect(text).not.toContain(NEW_BIND_PASSWORD);
        expect(text).not.toContain('reader secret');
        // Every line is one JSON object (log_format = json).
        for (const line of log) expect(() => JSON.parse(line) as unknown).not.toThrow();
      });
    });
  });
});
