/**
 * Text for xmlbuilder2's `txt()`. xmlbuilder2 4 escapes `<` and `>` but leaves an `&`
 * alone when it starts something that looks like a reference (`&amp;`, `&lt;`, `&foo;`,
 * `&#60;`), so a value such as `a&foo;b@example.com` would come out as an undefined
 * entity (a malformed document) and `&lt;` as a `<` for the client. Escaping every `&`
 * first makes each one a literal `&amp;`, which xmlbuilder2 then keeps as it is.
 */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;');
}
