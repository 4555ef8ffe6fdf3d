import type { DataSourceOptions } from 'typeorm';
import { parseDbUri } from '../config/db-uri';
import {
  LISTENER_APPLICATION_NAME,
  listenerClientConfig,
  RECONNECT_FIRST_MS,
  RECONNECT_MAX_MS,
  reconnectDelayMs,
} from './change-broadcast.listener';
import { dataSourceOptions } from './data-source-options';

describe(reconnectDelayMs.name, () => {
  it('doubles from 0.5 s and stays at 10 s', () => {
    const schedule = [1, 2, 3, 4, 5, 6, 7, 50].map((failures) => reconnectDelayMs(failures, 0));
    expect(schedule).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(reconnectDelayMs(1, 0)).toBe(RECONNECT_FIRST_MS);
  });

  it('spreads each delay by up to 20 %, never beyond the cap', () => {
    expect(reconnectDelayMs(1, 0.999)).toBe(600);
    expect(reconnectDelayMs(3, 0.5)).toBe(2200);
    expect(reconnectDelayMs(5, 0.999)).toBe(9598);
    expect(reconnectDelayMs(6, 0.999)).toBe(RECONNECT_MAX_MS);
    for (let failures = 1; failures < 40; failures += 1) {
      for (const random of [0, 0.25, 0.5, 0.999]) {
        const delay = reconnectDelayMs(failures, random);
        expect(delay).toBeGreaterThanOrEqual(RECONNECT_FIRST_MS);
        expect(delay).toBeLessThanOrEqual(RECONNECT_MAX_MS);
      }
    }
  });

  it('stays within bounds for odd inputs', () => {
    for (const [failures, random] of [
      [0, 0],
      [-3, 0.5],
      [Number.MAX_SAFE_INTEGER, 1],
      [2.7, -1],
      [1, 7],
    ] as const) {
      const delay = reconnectDelayMs(failures, random);
      expect(delay).toBeGreaterThanOrEqual(RECONNECT_FIRST_MS);
      expect(delay).toBeLessThanOrEqual(RECONNECT_MAX_MS);
    }
  });
});

describe(listenerClientConfig.name, () => {
  const options = (uri: string): DataSourceOptions => dataSourceOptions(parseDbUri(uri), false);

  it('reaches the same server, database and user as the DataSource, under its own name', () => {
    const config = listenerClientConfig(
      options('postgresql+psycopg2://automx2:s%40cret@db.example:6543/mail?sslmode=require'),
    );
    expect(config).toMatchObject({
      host: 'db.example',
      port: 6543,
      user: 'automx2',
      password: 's@cret',
      database: 'mail',
      ssl: true,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    expect(config?.connectionTimeoutMillis).toBeGreaterThan(0);
    expect(config?.query_timeout).toBeGreaterThan(0);
  });

  it('uses a Unix socket directory as the DataSource does', () => {
    const config = listenerClientConfig(options('postgresql://automx2@/mail?host=/run/postgresql'));
    expect(config).toMatchObject({ host: '/run/postgresql', port: undefined, ssl: false });
  });

  it('is null for MySQL/MariaDB and SQLite: no listener there', () => {
    expect(listenerClientConfig(options('mysql://root@127.0.0.1/test'))).toBeNull();
    expect(listenerClientConfig(options('sqlite:///:memory:'))).toBeNull();
  });
});
