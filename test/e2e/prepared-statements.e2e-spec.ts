import { DataSource } from 'typeorm';
import { parseDbUri } from '../../src/config/db-uri';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { statementRunner } from '../../src/database/prepared-statements';
import { createTestDatabase, describeDialect, type TestDatabase } from '../support/test-databases';
import { firstPassOnly } from '../support/adapter-pass';

/** Suites that need no HTTP adapter run once, on the Fastify pass. */
const once = firstPassOnly;

const LOOKUP = 'SELECT $1::int + 1 AS n';

once(describeDialect('postgres'))('lookup statements on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = dataSourceOptions(parseDbUri(db.dbUri), false);
    // One connection, so the session that prepared is the one asked.
    dataSource = new DataSource({
      ...options,
      extra: { ...options.extra, max: 1 },
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const prepared = async (): Promise<{ name: string; statement: string }[]> =>
    dataSource.query<{ name: string; statement: string }[]>(
      "SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'automx2_%'",
    );

  it('are prepared once per connection under a name, then reused', async () => {
    const run = statementRunner(dataSource);
    expect(await run([LOOKUP], [1])).toEqual([{ n: 2 }]);
    expect(await run([LOOKUP], [41])).toEqual([{ n: 42 }]);
    const statements = await prepared();
    expect(statements).toHaveLength(1);
    expect(statements[0]?.statement).toBe(LOOKUP);
  });

  it('are prepared again on a new connection after the old one is gone', async () => {
    const run = statementRunner(dataSource);
    await run([LOOKUP], [1]);
    await dataSource.destroy();
    await dataSource.initialize();
    expect(await prepared()).toHaveLength(0);
    expect(await run([LOOKUP], [2])).toEqual([{ n: 3 }]);
    expect(await prepared()).toHaveLength(1);
  });

  it('passes database errors on as the driver reports them', async () => {
    const run = statementRunner(dataSource);
    await expect(run(['SELECT * FROM no_such_table WHERE id = $1'], [1])).rejects.toMatchObject({
      code: '42P01',
    });
  });
});
