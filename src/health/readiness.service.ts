import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { DatabaseConnection } from '../database/database-connection.service';
import { SCHEMA_MISSING, schemaPresent } from './schema-probe';

/** How long the database gets to answer before the instance counts as not ready. */
export const READINESS_TIMEOUT_MS = 1000;

type Readiness = 'ready' | 'schema-missing' | 'unavailable';

const NOT_READY: Readonly<Record<Exclude<Readiness, 'ready'>, string>> = {
  'schema-missing': `Not ready: ${SCHEMA_MISSING}`,
  unavailable: 'Not ready: database unavailable',
};

/**
 * Ready = the database answers within a second, and has automx2's tables: without them
 * every lookup answers 204, which must not look healthy. One statement per probe
 * (schema-probe.ts); concurrent probes share it. A missing schema is logged once, and
 * again that it exists once it does. The directory (LDAP) is not part of readiness: a
 * directory outage affects only domains that use one, and taking every replica out of
 * the load balancer would turn it into a full outage.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private pending: Promise<Readiness> | null = null;
  /** Whether the missing schema has been logged (and its appearance not yet). */
  private reportedMissing = false;

  constructor(private readonly database: DatabaseConnection) {}

  /** Resolves when ready; rejects with BACKEND_UNAVAILABLE (503, Retry-After) otherwise. */
  async check(): Promise<void> {
    const readiness = await this.probe();
    if (readiness !== 'ready') throw new DomainError('BACKEND_UNAVAILABLE', NOT_READY[readiness]);
  }

  private probe(): Promise<Readiness> {
    this.pending ??= withDeadline(
      this.database.run((dataSource) => schemaPresent(dataSource)),
      READINESS_TIMEOUT_MS,
    )
      .then(
        (present): Readiness => (present ? 'ready' : 'schema-missing'),
        (): Readiness => 'unavailable',
      )
      .then((readiness) => this.report(readiness))
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private report(readiness: Readiness): Readiness {
    if (readiness === 'schema-missing' && !this.reportedMissing) {
      this.reportedMissing = true;
      this.logger.warn(`not ready: ${SCHEMA_MISSING}`);
    } else if (readiness === 'ready' && this.reportedMissing) {
      this.reportedMissing = false;
      // A WARNING like the line it ends, so that both are seen at the default level.
      this.logger.warn('database schema present: ready');
    }
    return readiness;
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
