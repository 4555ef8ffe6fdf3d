import type { DataSource } from 'typeorm';
import { engineOf } from './engine';

/**
 * How processes sharing one PostgreSQL database tell each other that stored data
 * changed: a NOTIFY on one channel, whose payload names the sending process so that it
 * can ignore its own echo. The notification carries no data: a receiver drops what its
 * caches hold and reads the database again.
 */

/** The channel every server LISTENs on. */
export const CHANGE_CHANNEL = 'automx2_data_changed';

/** Payloads are small; anything longer is not ours (PostgreSQL allows up to 8000 bytes). */
const MAX_PAYLOAD_LENGTH = 200;
/** Sender ids as made by randomUUID(): nothing that could smuggle text into a log line. */
const SENDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The payload announcing a change made by the process `sender` (a random instance id). */
export function changePayload(sender: string): string {
  return JSON.stringify({ from: sender });
}

/**
 * The sender named by a payload, or null when the payload is not one of ours (empty,
 * malformed, from an older or foreign sender). A notification on the channel still means
 * "data changed" whatever its payload: only a payload naming the receiver itself is an
 * echo to ignore.
 */
export function changeSender(payload: string | undefined): string | null {
  if (payload === undefined || payload.length > MAX_PAYLOAD_LENGTH) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const from = (parsed as { from?: unknown }).from;
  return typeof from === 'string' && SENDER_ID.test(from) ? from : null;
}

/** Whether a notification with `payload` is `receiver`'s own (already applied locally). */
export function isOwnEcho(payload: string | undefined, receiver: string): boolean {
  return changeSender(payload) === receiver;
}

/**
 * Sends the notification through `dataSource` (its own statement, committed at once);
 * nothing on MySQL/MariaDB and SQLite, which have no such channel. Call it after the
 * change is committed, so that nobody re-reads before the new rows are visible.
 */
export async function notifyChange(dataSource: DataSource, sender: string): Promise<void> {
  if (engineOf(dataSource) !== 'postgres') return;
  await dataSource.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, changePayload(sender)]);
}

/**
 * The IPC message by which a cluster worker on MySQL/MariaDB or SQLite announces a change
 * to the primary, which passes it on to the other workers (change-broadcast.cluster.ts).
 */
export const DATA_CHANGED_MESSAGE = { automx2: 'data-changed' } as const;

export function isDataChangedMessage(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { automx2?: unknown }).automx2 === DATA_CHANGED_MESSAGE.automx2
  );
}
