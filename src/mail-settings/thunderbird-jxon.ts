/**
 * How Thunderbird reads the text of a leaf element (no attributes, no child elements)
 * of an autoconfig or Autodiscover document: both go through its JXON module
 * (JXON.build, default verbosity) before any value is used.
 *
 * - no text at all (`<username/>`, `<username></username>`): `true`;
 * - `true`/`false` in any case: that boolean;
 * - text the global `isFinite` accepts: `parseFloat` of it. Leading zeros go (`0815` →
 *   815), exponents are expanded (`1e3` → 1000), hex reads as 0 (`0x10` → 0), and
 *   whitespace-only text, which `isFinite` takes as 0, becomes `NaN`;
 * - any other text unchanged (not trimmed).
 */
export type JxonValue = boolean | number | string;

export function jxonValue(text: string): JxonValue {
  if (text === '') return true;
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (Number.isFinite(Number(text))) return parseFloat(text);
  return text;
}

/**
 * The same value as text again, as Thunderbird's InputSanitizer.string (String()) gives
 * it: what Thunderbird logs in with for a user name (`""` → `"true"`, `"0815"` → `"815"`,
 * `" "` → `"NaN"`).
 */
export function jxonText(text: string): string {
  return String(jxonValue(text));
}
