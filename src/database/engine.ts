import type { DataSource } from 'typeorm';

/** The three engines dataSourceOptions() sets up (better-sqlite3 for SQLite). */
export type Engine = 'postgres' | 'mysql' | 'sqlite';

export function engineOf(dataSource: DataSource): Engine {
  const type = dataSource.options.type;
  return type === 'postgres' ? 'postgres' : type === 'mysql' ? 'mysql' : 'sqlite';
}
