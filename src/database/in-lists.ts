/**
 * Values per `IN (...)` list. Far below every engine's limit on bound parameters
 * (SQLite 32,766, PostgreSQL 65,535), and short enough that each statement stays cheap
 * to parse and plan; a longer list of values is read list by list.
 */
export const IN_LIST_SIZE = 500;

/** `values` without repeats (first occurrence kept), cut into lists of at most `size`. */
export function inLists<T>(values: Iterable<T>, size = IN_LIST_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad IN list size ${size}`);
  const unique = [...new Set(values)];
  const lists: T[][] = [];
  for (let start = 0; start < unique.length; start += size) {
    lists.push(unique.slice(start, start + size));
  }
  return lists;
}
