import type { EntityManager } from 'typeorm';
import type { DataChanges } from './data-changes';
import type { DatabaseConnection } from './database-connection.service';
import { exclusiveTransaction } from './database-locks';

/** Errors that `work` throws on purpose to refuse a write (a failed precondition). */
export type IsRefusal = (error: unknown) => boolean;

/**
 * Runs `work` as one write transaction that holds the writers' lock for its duration
 * (database-locks.ts), so loads, imports and admin writes on this or another replica
 * run one after the other; once it is committed, this replica's caches are told
 * (DataChanges). Connection trouble becomes a 503 domain error (DatabaseConnection.run).
 * An error that `isRefusal` accepts rolls the transaction back and reaches the caller
 * as it is: DatabaseConnection.run would take it for a database failure.
 */
export async function writeExclusively<T>(
  connection: DatabaseConnection,
  changes: DataChanges,
  work: (manager: EntityManager) => Promise<T>,
  isRefusal: IsRefusal = () => false,
): Promise<T> {
  const outcome = await connection.run(async (dataSource) => {
    try {
      const value = await exclusiveTransaction(dataSource, 'seed', work);
      changes.changed();
      return { value };
    } catch (error) {
      if (isRefusal(error)) return { refused: error };
      throw error;
    }
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.value;
}
