import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * `db_echo = yes`: the statements TypeORM runs, through the application's logger (so
 * `log_format = json` and the log level apply), never with their parameter values —
 * those carry LDAP bind passwords from seeding and users' addresses from lookups.
 */
export class EchoLogger implements TypeOrmLogger {
  private readonly logger = new Logger('SQL');

  logQuery(query: string, parameters?: unknown[]): void {
    this.logger.log(`${query}${parameterNote(parameters)}`);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const message = error instanceof Error ? error.message : error;
    this.logger.warn(`failed: ${query}${parameterNote(parameters)}: ${message}`);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    this.logger.warn(`slow (${time} ms): ${query}${parameterNote(parameters)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}

function parameterNote(parameters: readonly unknown[] | undefined): string {
  const count = parameters?.length ?? 0;
  return count === 0 ? '' : ` -- ${count} parameter${count === 1 ? '' : 's'} (values not logged)`;
}
