import type { Cluster, Worker } from 'node:cluster';
import { DATA_CHANGED_MESSAGE, isDataChangedMessage } from './change-broadcast';

/**
 * The cluster primary's part in announcing changes (`workers` > 1): a worker that
 * changed data on MySQL/MariaDB or SQLite tells the primary (ChangeBroadcast), and the
 * primary passes the message on to every other worker, so that the workers of one host
 * see each other's changes at once on every engine. (On PostgreSQL each worker LISTENs
 * for itself and sends no such message.) A worker that is gone is skipped; a message
 * that cannot be delivered is dropped, and that worker sees the change after cache_ttl.
 */
export function relayChangesBetweenWorkers(cluster: Cluster): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isDataChangedMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker === undefined || worker === from || !worker.isConnected()) continue;
      worker.send(DATA_CHANGED_MESSAGE, () => undefined);
    }
  });
}
