import { domainLookupNames } from '../mail-settings/domain-names';
import { textProblem } from '../provisioning/field-rules';

/**
 * The `search` of the admin API's domain list as LIKE patterns: the text lower-cased,
 * in each of its IDN forms (`bücher` also as `xn--bcher-kva`, and the reverse; only
 * forms that read back as the text: domain-spellings.ts), with
 * LIKE's wildcards and the escape character itself escaped, so `%`, `_` and `\` in
 * the text match only themselves.
 */

/**
 * The escape character of the patterns (`ESCAPE '!'`): not `\`, which MySQL string
 * literals and PostgreSQL's default treat specially, so one clause fits every engine.
 */
export const LIKE_ESCAPE = '!';

/** Longer than any name the database stores: nothing can contain it. */
const SEARCH_MAX = 1024;

export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (character) => LIKE_ESCAPE + character);
}

/**
 * The patterns of a non-empty search text, 1 to 3 of them; null when no stored name
 * can contain the text (control characters, lone surrogates, absurd length): such
 * text is not sent to the database at all (PostgreSQL refuses NUL in a parameter).
 */
export function searchPatterns(search: string): string[] | null {
  if (search.length > SEARCH_MAX || textProblem(search) !== undefined) return null;
  return domainLookupNames(search).map((form) => `%${escapeLike(form)}%`);
}
