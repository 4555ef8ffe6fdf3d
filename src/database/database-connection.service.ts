import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { MetricsService } from '../metrics/metrics.service';
import { classifyDatabaseError } from './database-errors';

const RETRY_INTERVAL_MS = 5000;

/**
 * Opens the database at start-up without making start-up depend on it: when the
 * server is unreachable the process still starts (readiness says not ready, requests
 * get 503) and keeps trying in the background. Outages are logged once, not per
 * request.
 */
@Injectable()
export class DatabaseConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private connecting: Promise<boolean> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private outage = false;
  private closed = false;

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!(await this.connect())) this.scheduleRetry();
  }

  get isConnected(): boolean {
    return this.dataSource.isInitialized;
  }

  /** Runs a unit of database work, mapping connection trouble to a 503 domain error. */
  async run<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
    if (!this.dataSource.isInitialized && !(await this.connect())) {
      throw unavailable();
    }
    const started = performance.now();
    try {
      const result = await work(this.dataSource);
      this.metrics?.observeDb(performance.now() - started, true);
      this.recovered();
      return result;
    } catch (error) {
      this.metrics?.observeDb(performance.now() - started, error instanceof DomainError);
      if (error instanceof DomainError) throw error;
      switch (classifyDatabaseError(error)) {
        case 'missing-table':
          throw error;
        case 'rejected':
          throw new DomainError('INVALID_SEED', 'The database rejected the data');
        case 'unavailable':
          this.reportOutage(error);
          throw unavailable();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private connect(): Promise<boolean> {
    if (this.dataSource.isInitialized) return Promise.resolve(true);
    this.connecting ??= this.dataSource
      .initialize()
      .then(() => {
        this.recovered();
        return true;
      })
      .catch((error: unknown) => {
        this.reportOutage(error);
        return false;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect().then((ok) => {
        if (!ok) this.scheduleRetry();
      });
    }, RETRY_INTERVAL_MS);
    this.retryTimer.unref();
  }

  private reportOutage(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`database unavailable: ${message}`);
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.logger.warn('database reachable again');
  }
}

function unavailable(): DomainError {
  return new DomainError('BACKEND_UNAVAILABLE', 'Database unavailable, try again later');
}
