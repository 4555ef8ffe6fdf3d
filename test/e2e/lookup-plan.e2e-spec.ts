import request from 'supertest';
import { settingsSql } from '../../src/database/settings-sql';
import { createTestDatabase, describeDialect, type TestDatabase } from '../support/test-databases';
import { startTestApp } from '../support/test-app';

const DOMAINS = 20_000;

type PlanRows = { rows: { 'QUERY PLAN': string }[] };

/**
 * The per-request lookups must stay index lookups however many domains there are:
 * EXPLAIN on PostgreSQL with 20,000 domains (each with its own provider and two server
 * links) must show no sequential scan of a table that grows with the domains.
 */
describeDialect('postgres')('lookup plans on PostgreSQL (EXPLAIN)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const app = await startTestApp({ dbUri: db.dbUri });
    try {
      await request(app.url).get('/initdb/').expect(200); // schema and migrations
    } finally {
      await app.close();
    }
    await db.sql(`
      INSERT INTO provider (name, short_name)
        SELECT 'Provider ' || g, 'P' FROM generate_series(1, ${DOMAINS}) g;
      INSERT INTO domain (name, provider_id)
        SELECT 'd' || g || '.plan.test', p.id
        FROM generate_series(1, ${DOMAINS}) g JOIN provider p ON p.name = 'Provider ' || g;
      INSERT INTO server_domain (server_id, domain_id)
        SELECT s.id, d.id FROM server s CROSS JOIN domain d
        WHERE d.name LIKE '%.plan.test' AND s.type IN ('imap', 'smtp');
      INSERT INTO davserver_domain (davserver_id, domain_id)
        SELECT v.id, d.id FROM davserver v CROSS JOIN domain d
        WHERE d.name LIKE '%.plan.test' AND v.type = 'carddav';
      ANALYZE;
    `);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const plan = async (statement: string, parameters: unknown[]): Promise<string> => {
    const literal = (value: unknown) =>
      typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
    const sql = statement.replace(/\$(\d+)/g, (_m, n: string) =>
      literal(parameters[Number(n) - 1]),
    );
    const result = (await db.sql(`EXPLAIN ${sql}`)) as PlanRows;
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  /**
   * The generic plan, which PostgreSQL may switch a named prepared statement to after
   * five executions.
   */
  const genericPlan = async (statement: string, parameters: string[]): Promise<string> => {
    const values = parameters.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
    const results = (await db.sql(
      `SET plan_cache_mode = force_generic_plan; PREPARE lookup AS ${statement}; ` +
        `EXPLAIN EXECUTE lookup(${values})`,
    )) as PlanRows[];
    return (results.at(-1)?.rows ?? []).map((row) => row['QUERY PLAN']).join('\n');
  };

  const growing = ['domain', 'provider', 'server_domain', 'davserver_domain'];
  const seqScans = (text: string) =>
    growing.filter((table) => new RegExp(`Seq Scan on ${table}\\b`).test(text));

  it.each([
    ['custom', plan],
    ['generic', genericPlan],
  ] as const)(
    'reads the domain, its provider domains, mail and DAV servers through indexes (%s plan)',
    async (_kind, explain) => {
      const sql = settingsSql('postgres');
      const [statement] = sql.lookup[1]!.statements;
      const text = await explain(statement!, ['d12345.plan.test', 'xn--d12345.plan.test']);
      // The domain by its lower-cased name; the provider's domains and both link tables
      // by domain: the indexes of the second migration.
      for (const index of [
        'ix_domain_name_lower',
        'ix_domain_provider_id',
        'ix_server_domain_domain_id',
        'ix_davserver_domain_domain_id',
      ]) {
        expect({ index, used: text.includes(index) }).toEqual({ index, used: true });
      }
      expect({ seqScans: seqScans(text), text }).toEqual({ seqScans: [], text });
    },
  );
});
