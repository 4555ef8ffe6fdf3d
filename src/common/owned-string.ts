/**
 * A copy of `text` that owns its characters.
 *
 * V8 represents a substring (`slice`, `split`, `trim`, a regular-expression match, text a
 * parser hands out) of a longer string as a view into that string, and a concatenation
 * as a pair of references: either keeps the whole original alive. A domain read from a
 * 60 KB request body is such a view, so storing it as a cache key keeps the 60 KB body
 * in memory for as long as the entry lives. Anything derived from a request (body, query,
 * headers) that is kept beyond the request is stored as an owned copy.
 *
 * Encoding to bytes and decoding again always builds a new flat string. UTF-8 is exact for
 * well-formed text; text with a lone surrogate (which UTF-8 would replace with U+FFFD)
 * goes through UTF-16 code units, which are copied as they are.
 */
export function ownedCopy(text: string): string {
  return LONE_SURROGATE.test(text)
    ? Buffer.from(text, 'utf16le').toString('utf16le')
    : Buffer.from(text, 'utf8').toString('utf8');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
