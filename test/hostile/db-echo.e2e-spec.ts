import request from 'supertest';
import { firstPassOnly } from '../support/adapter-pass';
import { ensureBuilt } from '../support/dist';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

/**
 * `db_echo = yes` shows the SQL the service runs. It must never show parameter values:
 * seeding carries LDAP bind passwords, lookups carry what clients sent. Everything the
 * process writes (stdout and stderr) is checked, since TypeORM's own logger would write
 * to stdout, past the application's redaction and `log_format`.
 */

const BIND_PASSWORD = 'Bind-Secret-4711';

const SEED = JSON.stringify({
  version: 2,
  provider: 'Echo Test',
  domains: [{ name: 'echo.example', ldapserver_id: 1 }],
  ldapservers: [
    {
      id: 1,
      name: 'ldap.echo.example',
      search_base: 'dc=echo,dc=example',
      bind_user: 'cn=reader,dc=echo,dc=example',
      bind_password: BIND_PASSWORD,
    },
  ],
  servers: [{ type: 'imap', name: 'imap.echo.example' }],
});

firstPassOnly()('db_echo = yes', () => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    ensureBuilt();
    db = await createTestDatabase('sqlite-file');
    server = await startServerProcess({
      db_uri: db.dbUri,
      db_echo: 'yes',
      log_format: 'json',
      loglevel: 'DEBUG',
    });
    await request(server.url)
      .post('/initdb/')
      .set('Content-Type', 'application/json')
      .send(SEED)
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await server?.destroy();
    await db?.drop();
  });

  it('logs the statements, as JSON lines, without the bind password', async () => {
    // Wait until the log has the seeding statements (stderr is read asynchronously).
    const deadline = Date.now() + 10_000;
    while (!/INSERT INTO/i.test(server.stderr()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stderr = server.stderr();
    expect(stderr).toMatch(/INSERT INTO/i);
    expect(stderr).toMatch(/parameters? \(values not logged\)/);
    expect(stderr).not.toContain(BIND_PASSWORD);
    expect(server.stdout()).not.toContain(BIND_PASSWORD);
    expect(server.stdout()).toBe('');
    for (const line of stderr.trim().split('\n')) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});
