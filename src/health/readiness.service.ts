import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { DatabaseConnection } from '../database/database-connection.service';

/** How long the database gets to answer `SELECT 1` before the instance counts as not ready. */
export const READINESS_TIMEOUT_MS = 1000;

/**
 * Ready = the database answers `SELECT 1` within a second. The directory (LDAP) is not
 * part of it: a directory outage affects only domains that use one, and taking every
 * replica out of the load balancer would turn it into a full outage. Concurrent
 * probes share one query.
 */
@Injectable()
export class ReadinessService {
  private pending: Promise<boolean> | null = null;

  constructor(private readonly database: DatabaseConnection) {}

  /** Resolves when ready; rejects with BACKEND_UNAVAILABLE (503, Retry-After) otherwise. */
  async check(): Promise<void> {
    if (!(await this.databaseAnswers())) {
      throw new DomainError('BACKEND_UNAVAILABLE', 'Not ready: database unavailable');
    }
  }

  private databaseAnswers(): Promise<boolean> {
    this.pending ??= withDeadline(
      this.database.run((dataSource) => dataSource.query('SELECT 1')),
      READINESS_TIMEOUT_MS,
    )
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
