import { READINESS_TIMEOUT_MS } from '../../src/health/readiness.service';
import { parseDbUri } from '../../src/config/db-uri';
import { dataSourceOptions, QUERY_TIMEOUT_MS } from '../../src/database/data-source-options';

/**
 * Every dialect bounds a database statement (issue 7, item 1), so that a stuck database
 * becomes a 503 instead of a hung request. test/faults/query-timeout.e2e-spec.ts shows
 * each bound working against a real locked database.
 */
describe('database statement timeouts', () => {
  it('are below the 5 s every well-formed request is answered within', () => {
    expect(QUERY_TIMEOUT_MS).toBeGreaterThan(READINESS_TIMEOUT_MS);
    expect(QUERY_TIMEOUT_MS).toBeLessThan(5000);
  });

  it('PostgreSQL: statement_timeout on the server, query_timeout in the client as a backstop', () => {
    const options = dataSourceOptions(parseDbUri('postgresql://u@db.example/automx2'), false);
    expect(options).toMatchObject({
      type: 'postgres',
      connectTimeoutMS: expect.any(Number) as unknown,
      extra: { statement_timeout: QUERY_TIMEOUT_MS },
    });
    const extra = (options as { extra: { query_timeout: number } }).extra;
    expect(extra.query_timeout).toBeGreaterThan(QUERY_TIMEOUT_MS);
  });

  it('MySQL/MariaDB: a client-side timeout on every query', () => {
    const options = dataSourceOptions(parseDbUri('mysql://u@db.example/automx2'), false);
    expect(options).toMatchObject({
      type: 'mysql',
      enableQueryTimeout: true,
      maxQueryExecutionTime: QUERY_TIMEOUT_MS,
      connectTimeout: expect.any(Number) as unknown,
    });
  });

  it('SQLite: a lock wait (busy timeout) no longer than the statement bound', () => {
    const options = dataSourceOptions(parseDbUri('sqlite:////var/lib/automx2/db.sqlite'), false);
    expect(options).toMatchObject({ type: 'better-sqlite3', timeout: QUERY_TIMEOUT_MS });
  });
});
