/** Raw rows differ by driver (PostgreSQL booleans, MySQL tinyint, SQLite 0/1). */
export type Row = Record<string, unknown>;

export function toInteger(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return 0;
}

export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

export function toNullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : toText(value);
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string')
    return ['1', 't', 'true', 'yes', 'y'].includes(value.toLowerCase());
  if (Buffer.isBuffer(value)) return value.length > 0 && value[0] !== 0;
  return false;
}
