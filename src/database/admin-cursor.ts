import { BadCursor } from '../admin/admin-store';

/**
 * The cursors of the admin API's lists: the last item of a page, named by what the
 * list is ordered by (a domain name, a row id), so a page follows the previous one
 * however many rows were written in between. Opaque to clients: base64url of a tag and
 * the key, so that a cursor of one kind of list is refused by the other.
 */

const NAME_TAG = 'n:';
const ID_TAG = 'i:';
/** Far above any cursor handed out (a name has at most a few hundred bytes). */
const CURSOR_MAX = 2048;
const INT32_MAX = 2147483647;

export function nameCursor(name: string): string {
  return Buffer.from(NAME_TAG + name, 'utf8').toString('base64url');
}

export function idCursor(id: number): string {
  return Buffer.from(ID_TAG + String(id), 'utf8').toString('base64url');
}

/** The name a name cursor holds; BadCursor for anything else. */
export function nameAfter(cursor: string): string {
  const text = decode(cursor);
  const name = text.startsWith(NAME_TAG) ? text.slice(NAME_TAG.length) : '';
  // NUL cannot be a parameter of PostgreSQL text; no cursor handed out holds one.
  if (name === '' || name.includes('\0')) throw new BadCursor();
  return name;
}

/** The id an id cursor holds; BadCursor for anything else. */
export function idAfter(cursor: string): number {
  const text = decode(cursor);
  const digits = text.startsWith(ID_TAG) ? text.slice(ID_TAG.length) : '';
  if (!/^[1-9][0-9]{0,9}$/.test(digits)) throw new BadCursor();
  const id = Number(digits);
  if (id > INT32_MAX) throw new BadCursor();
  return id;
}

/** The text of a cursor as encoded here: canonical base64url of UTF-8. */
function decode(cursor: string): string {
  if (cursor.length === 0 || cursor.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new BadCursor();
  }
  const bytes = Buffer.from(cursor, 'base64url');
  // Node decodes leniently; only the one spelling encode() writes is a cursor.
  if (bytes.toString('base64url') !== cursor) throw new BadCursor();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadCursor();
  }
}
