/**
 * What a cache entry keeps on the V8 heap, estimated from above: every string at two
 * bytes a character (V8 stores Latin-1 text in one, anything else in two) plus its
 * header, and a header and an 8-byte slot for every object, array and property.
 */

const STRING_HEADER_BYTES = 16;
const OBJECT_HEADER_BYTES = 32;
const SLOT_BYTES = 8;
/** The cache's own bookkeeping per entry (LRU slots, key map entry, timestamps). */
export const ENTRY_OVERHEAD_BYTES = 128;
/**
 * The documents rendered from a cached settings object (the autoconfig answer and the
 * Autodiscover and profile templates) live in WeakMaps keyed by it, so as long as the
 * entry does. They measure 1.6 to 3.2 times the settings' own estimate (2 to 20 servers,
 * a profile of 1.9 KB); counted as 4 times.
 */
export const RENDERED_DOCUMENTS_FACTOR = 4;

/** The string's characters (two bytes each at most) and its header. */
export function stringBytes(text: string): number {
  return STRING_HEADER_BYTES + 2 * text.length;
}

/** The heap a value holds: its strings, numbers, arrays and objects, followed deeply. */
export function heldBytes(value: unknown): number {
  if (typeof value === 'string') return stringBytes(value);
  if (value === null || typeof value !== 'object') return SLOT_BYTES;
  const items: readonly unknown[] = Array.isArray(value) ? value : Object.values(value);
  let bytes = OBJECT_HEADER_BYTES;
  for (const item of items) bytes += SLOT_BYTES + heldBytes(item);
  return bytes;
}

/** An entry for a known domain: key, settings, and the documents rendered from them. */
export function foundEntryBytes(key: string, settings: object): number {
  return (
    ENTRY_OVERHEAD_BYTES + stringBytes(key) + (1 + RENDERED_DOCUMENTS_FACTOR) * heldBytes(settings)
  );
}

/** An entry for an unknown domain: the key alone. */
export function notFoundEntryBytes(key: string): number {
  return ENTRY_OVERHEAD_BYTES + stringBytes(key);
}
