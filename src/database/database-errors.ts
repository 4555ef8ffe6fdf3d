/** What a failed statement means for the caller. */
export type DatabaseFailure = 'missing-table' | 'rejected' | 'unavailable';

const MISSING_TABLE = [
  /no such table/i, // SQLite
  /relation "[^"]*" does not exist/i, // PostgreSQL
  /ER_NO_SUCH_TABLE/, // MySQL/MariaDB code
  /Table '[^']*' doesn't exist/i,
];

/** Constraint and data errors: the statement was understood and refused. */
const REJECTED = [
  /SQLITE_CONSTRAINT/,
  /^2[23][0-9A-Z]{3}$/, // PostgreSQL SQLSTATE classes 22 (data) and 23 (integrity)
  /^ER_(DUP_ENTRY|DATA_TOO_LONG|TRUNCATED_WRONG_VALUE|WARN_DATA_OUT_OF_RANGE|NO_REFERENCED_ROW|ROW_IS_REFERENCED|BAD_NULL_ERROR)/,
];

export function classifyDatabaseError(error: unknown): DatabaseFailure {
  // Duck-typed: driver errors may come from another realm (instanceof Error fails).
  if (typeof error !== 'object' || error === null) return 'unavailable';
  const { message: rawMessage, code: raw } = error as { message?: unknown; code?: unknown };
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  if (MISSING_TABLE.some((pattern) => pattern.test(`${message} ${code}`))) {
    return 'missing-table';
  }
  if (REJECTED.some((pattern) => pattern.test(code))) return 'rejected';
  return 'unavailable';
}
