import { DomainError } from '../common/domain-error';
import { portProblem, textProblem, type PortKind, type TextRuleOptions } from './field-rules';

/** A JSON object as parsed: its own properties only are read (see Problems.value). */
export type Json = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The refusal of a document: INVALID_SEED with one `field path: problem` per line. */
export function invalid(problems: readonly string[]): DomainError {
  return new DomainError('INVALID_SEED', problems.join('\n'));
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of a field of the object at `path` (`servers[0]` + `port`); '' is the top. */
export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** One entry of a list of objects, with its position and path. */
export interface Entry {
  readonly item: Json;
  readonly index: number;
  readonly path: string;
}

/**
 * Collects every problem of a document as `path: what is wrong`, so one refusal names
 * them all. Each check reads one field of an object, adds a problem when it fails and
 * returns `undefined` then, the value otherwise. Export documents (import-document.ts)
 * and the admin API's bodies (domain-document.ts) are checked with the same methods, so
 * the same value gets the same message everywhere.
 */
export class Problems {
  private readonly problems: string[] = [];

  add(path: string, problem: string): void {
    this.problems.push(`${path}: ${problem}`);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw invalid(this.problems);
  }

  /**
   * A field's value, or undefined when the object has no such property of its own: a
   * body's `{"__proto__": …}` or an inherited property is never taken for a field.
   */
  value(item: Json, key: string): unknown {
    return Object.hasOwn(item, key) ? item[key] : undefined;
  }

  /** Names every field of `item` that is neither known nor ignored. */
  unknownFields(
    item: Json,
    path: string,
    known: readonly string[],
    ignored: readonly string[] = [],
  ): void {
    for (const key of Object.keys(item)) {
      if (!known.includes(key) && !ignored.includes(key)) {
        this.add(fieldPath(path, keyText(key)), 'unknown field');
      }
    }
  }

  /**
   * The objects of a list (missing = empty unless `required`), each with its path. The
   * list is `item[key]`, at `path` in the document ('' for a top-level list).
   */
  entries(item: Json, key: string, path = '', required = false): Entry[] {
    const listPath = fieldPath(path, key);
    const value = this.value(item, key);
    if (value === undefined) {
      if (required) this.add(listPath, 'missing');
      return [];
    }
    if (!Array.isArray(value)) {
      this.add(listPath, 'must be an array');
      return [];
    }
    return (value as unknown[]).flatMap((entry, index) => {
      const entryPath = `${listPath}[${index}]`;
      if (isObject(entry)) return [{ item: entry, index, path: entryPath }];
      this.add(entryPath, 'must be an object');
      return [];
    });
  }

  /** A nested object (`provider`); with `nullable`, null stands for none. */
  object(item: Json, key: string, path: string): Json | undefined;
  object(item: Json, key: string, path: string, nullable: true): Json | null | undefined;
  object(item: Json, key: string, path: string, nullable = false): Json | null | undefined {
    const value = this.value(item, key);
    if (nullable && value === null) return null;
    if (isObject(value)) return value;
    const where = fieldPath(path, key);
    if (value === undefined) this.add(where, nullable ? 'missing (null for none)' : 'missing');
    else this.add(where, nullable ? 'must be an object or null' : 'must be an object');
    return undefined;
  }

  documentId(item: Json, path: string): number | undefined {
    const id = this.int32(item, 'id', path);
    if (id !== undefined && id < 1) {
      this.add(fieldPath(path, 'id'), 'must be a positive integer');
      return undefined;
    }
    return id;
  }

  text(
    item: Json,
    key: string,
    path: string,
    maxLength: number,
    nonEmpty = false,
  ): string | undefined {
    const value = this.value(item, key);
    if (typeof value !== 'string') {
      this.add(fieldPath(path, key), value === undefined ? 'missing' : 'must be a string');
      return undefined;
    }
    return this.fits(value, fieldPath(path, key), maxLength, nonEmpty);
  }

  nullableText(
    item: Json,
    key: string,
    path: string,
    maxLength: number,
    options: TextRuleOptions = {},
  ): string | null | undefined {
    const value = this.value(item, key);
    if (value === null) return null;
    if (typeof value !== 'string') {
      this.add(
        fieldPath(path, key),
        value === undefined ? 'missing (null for none)' : 'must be a string or null',
      );
      return undefined;
    }
    return this.fits(value, fieldPath(path, key), maxLength, false, options.secret);
  }

  int32(item: Json, key: string, path: string): number | undefined {
    const value = this.value(item, key);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(fieldPath(path, key), value === undefined ? 'missing' : 'must be an integer');
      return undefined;
    }
    if (value < INT32_MIN || value > INT32_MAX) {
      this.add(fieldPath(path, key), 'out of range for a database integer');
      return undefined;
    }
    return value;
  }

  /** A port: an integer that `portProblem` accepts for `kind`. */
  port(item: Json, key: string, path: string, kind: PortKind): number | undefined {
    const value = this.value(item, key);
    // Not an integer at all: missing / must be an integer, as for every integer.
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.int32(item, key, path);
    const problem = portProblem(value, kind);
    if (problem === undefined) return value;
    this.add(fieldPath(path, key), problem);
    return undefined;
  }

  bool(item: Json, key: string, path: string): boolean | undefined {
    const value = this.value(item, key);
    if (typeof value !== 'boolean') {
      this.add(fieldPath(path, key), value === undefined ? 'missing' : 'must be true or false');
      return undefined;
    }
    return value;
  }

  /** A text of at most `maxLength` characters without unstorable ones (field-rules.ts). */
  storable(
    value: string,
    path: string,
    maxLength: number,
    nonEmpty = false,
    secret = false,
  ): string | undefined {
    return this.fits(value, path, maxLength, nonEmpty, secret);
  }

  private fits(
    value: string,
    path: string,
    maxLength: number,
    nonEmpty: boolean,
    secret = false,
  ): string | undefined {
    if (nonEmpty && value.trim() === '') {
      this.add(path, 'must not be empty');
      return undefined;
    }
    // Column lengths count characters (code points), not UTF-16 units.
    if (codePoints(value) > maxLength) {
      this.add(path, `longer than ${maxLength} characters`);
      return undefined;
    }
    const problem = textProblem(value, { secret });
    if (problem !== undefined) {
      this.add(path, problem);
      return undefined;
    }
    return value;
  }
}

/**
 * A key as it can appear in a path: a plain name as it is, anything else quoted as JSON
 * (controls escaped), shortened, and with ':' escaped so that the `path: problem` line
 * still splits at its first ': '.
 */
function keyText(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) return key;
  const short = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return JSON.stringify(short).replaceAll(':', '\\u003a');
}

/** The number of code points, without building an array for a huge string. */
function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** True when no field of the row failed (failed fields are `undefined`). */
export function complete<T extends Record<string, unknown>>(
  row: T,
): row is { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.values(row).every((value) => value !== undefined);
}
