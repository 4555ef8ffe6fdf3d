import { DomainError } from '../common/domain-error';
import { classifyDatabaseError } from './database-errors';

/** Enough of a driver's reason to see what was refused (a value may be in it). */
const REASON_MAX = 200;

/**
 * A constraint or data error of `work` becomes INVALID_SEED with the database's reason:
 * the first line of the driver's message, which names the constraint and never holds
 * the statement. With `field`, the message is a `field: problem` line, as validation
 * problems are. Connection trouble passes unchanged.
 */
export async function explainRejection<T>(work: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DomainError) && classifyDatabaseError(error) === 'rejected') {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      const short = reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX)}…` : reason;
      const problem = `the database rejected the data: ${short}`;
      throw new DomainError('INVALID_SEED', field === undefined ? problem : `${field}: ${problem}`);
    }
    throw error;
  }
}
