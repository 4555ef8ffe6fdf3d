import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { ClientConfig } from 'pg';
import { MetricsService } from '../metrics/metrics.service';
import {
  DATA_CHANGED_MESSAGE,
  isDataChangedMessage,
  isOwnEcho,
  notifyChange,
} from './change-broadcast';
import { ChangeListener, listenerClientConfig } from './change-broadcast.listener';
import { DataChanges } from './data-changes';
import { DatabaseConnection } from './database-connection.service';

/**
 * Changes seen across processes on PostgreSQL: every worker and replica LISTENs
 * (ChangeListener) and drops its caches when another process announces a change, so
 * a change is seen everywhere within moments instead of after cache_ttl.
 *
 * A change made here is announced after its transaction committed (DataChanges.changed(),
 * which every writer already calls then), with one `pg_notify` through the pool. Never
 * early: a receiver re-reads only rows already committed. It is lost only if this
 * process dies, or the database becomes unreachable, in the moment between commit and
 * notification; the other processes then see the change after cache_ttl, as during any
 * outage of their listener. Sending from inside the write transaction would close that
 * window, but would need every write path to remember an extra statement; this way the
 * one existing call after commit covers them all. Changes announced while a notification
 * is being sent share the next one.
 *
 * While the listener is disconnected, caches expire by cache_ttl; after it (re)connects
 * they are cleared once, since notifications may have been missed. One warning per
 * outage, one info line when notifications flow again.
 *
 * MySQL/MariaDB and SQLite have no such channel: no listener is started, and other
 * replicas see changes after cache_ttl. Cluster workers (`workers` > 1) on those engines
 * tell each other through the primary instead (IPC, change-broadcast.cluster.ts), so the
 * workers of one host still see each other's changes at once.
 */
@Injectable()
export class ChangeBroadcast implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ChangeBroadcast');
  /** Names this process in its notifications, so that it ignores its own echo. */
  readonly instanceId = randomUUID();
  private listener: ChangeListener | null = null;
  private outage = false;
  private sending: Promise<void> | null = null;
  private sendAgain = false;
  private sendFailing = false;
  private closed = false;

  constructor(
    private readonly connection: DatabaseConnection,
    private readonly changes: DataChanges,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    const config = listenerClientConfig(this.connection.dataSource.options);
    if (config !== null) this.listen(config);
    else if (cluster.isWorker) this.relayThroughPrimary();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    process.off('message', this.onPrimaryMessage);
    await this.listener?.stop();
  }

  private listen(config: ClientConfig): void {
    this.changes.relayTo(() => this.send());
    this.metrics?.setChangeListenerUp(false);
    this.listener = new ChangeListener(config, {
      notification: (payload) => {
        if (!isOwnEcho(payload, this.instanceId)) this.changes.changedElsewhere();
      },
      listening: () => this.listening(),
      lost: (error) => this.lost(error),
    });
    this.listener.start();
  }

  /** A worker's changes go to the primary, which passes them on to the other workers. */
  private relayThroughPrimary(): void {
    this.changes.relayTo(() => {
      // With a callback a closed channel (the primary is gone) is no 'error' event.
      if (!this.closed && process.connected) process.send?.(DATA_CHANGED_MESSAGE, () => undefined);
    });
    process.on('message', this.onPrimaryMessage);
  }

  private readonly onPrimaryMessage = (message: unknown): void => {
    if (isDataChangedMessage(message)) this.changes.changedElsewhere();
  };

  private listening(): void {
    this.metrics?.setChangeListenerUp(true);
    if (this.outage) {
      this.outage = false;
      this.logger.log('change notifications from other processes restored; caches cleared');
    } else {
      this.logger.debug('listening for changes made by other processes');
    }
    // Whatever changed before LISTEN was in place went unannounced to this process.
    this.changes.changedElsewhere();
  }

  private lost(error: unknown): void {
    this.metrics?.setChangeListenerUp(false);
    if (this.outage || this.closed) return;
    this.outage = true;
    this.logger.warn(
      `change notifications from other processes unavailable (${reason(error)}); ` +
        'reconnecting, meanwhile cached data expires after cache_ttl',
    );
  }

  /** Announces a change made here; at most one notification in flight, one queued. */
  private send(): void {
    if (this.closed) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    this.sending = this.sendWhileChanged().finally(() => {
      this.sending = null;
    });
  }

  private async sendWhileChanged(): Promise<void> {
    do {
      this.sendAgain = false;
      try {
        await notifyChange(this.connection.dataSource, this.instanceId);
        this.sendFailing = false;
      } catch (error) {
        if (!this.sendFailing && !this.closed) {
          this.logger.warn(
            `could not announce a data change to other processes (${reason(error)}); ` +
              'they see it after cache_ttl',
          );
        }
        this.sendFailing = true;
      }
    } while (this.sendAgain && !this.closed);
  }
}

/** The first line of an error's message (driver messages never contain the password). */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}
