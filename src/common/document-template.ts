import { randomBytes } from 'node:crypto';

/**
 * Per-request text spliced into a document that its library (xmlbuilder2, plist)
 * rendered once.
 *
 * A renderer is a function of named values (`value('address')`, `value('uuid0')`, …).
 * Rendered once with markers for every value, it gives a template: the document split
 * at the markers. Filling the template with the real values gives the same bytes as
 * rendering with them, as long as (1) the renderer copies each value into the output
 * unchanged, and (2) the library writes each value as it is, without escaping.
 *
 * (2) is checked per request: a value outside {@link isVerbatimText} (anything XML
 * escapes or cannot carry) makes the fill fail, and the caller renders directly. (1) is checked once per
 * template: it is compiled together with a direct rendering for the first request's
 * values and kept only when both give identical bytes. A renderer that lower-cases,
 * hashes, parses or drops a value therefore never gets a template: markers mix
 * upper- and lower-case letters, so case changes break them too.
 */

/** What a renderer reads its per-request text from. */
export type SlotValues = (name: string) => string;

/** Slot names: letters, digits and `-`; the marker delimiters are private-use characters. */
const SLOT_NAME = /^[A-Za-z0-9-]+$/;
const OPEN = '\uE000';
const CLOSE = '\uE001';
/** Per process, so stored data cannot contain a marker by chance or on purpose. */
const NONCE = `Slot${randomBytes(8).toString('hex').toUpperCase()}x`;
const MARKER = new RegExp(`${OPEN}${NONCE}([A-Za-z0-9-]+)${CLOSE}`, 'g');

/**
 * Text that XML 1.0 writers copy as it is: printable ASCII except `&`, `<` and `>`, and
 * the rest of the Basic Multilingual Plane without C1 controls, surrogates, the
 * private-use area (the markers) and the non-characters U+FFFE/U+FFFF.
 */
const VERBATIM_TEXT = /^[\x20-\x25\x27-\x3b\x3d\x3f-\x7e\u00a0-\ud7ff\uf900-\ufffd]*$/;

export function isVerbatimText(text: string): boolean {
  return VERBATIM_TEXT.test(text);
}

export function slotMarker(name: string): string {
  if (!SLOT_NAME.test(name)) throw new RangeError(`Invalid slot name: ${name}`);
  return `${OPEN}${NONCE}${name}${CLOSE}`;
}

export class DocumentTemplate {
  private constructor(
    /** Literal text; `parts.length === slots.length + 1`. */
    private readonly parts: readonly string[],
    private readonly slots: readonly string[],
  ) {}

  /**
   * Renders with markers and with `values`. `template` is the template when filling it
   * with `values` reproduces the direct rendering, null when it does not (the renderer
   * changes a value), undefined when `values` cannot tell (not verbatim text: try again
   * with other values). `document` is the direct rendering, so the first request costs
   * one extra rendering and no more.
   */
  static compile(
    render: (value: SlotValues) => string,
    values: SlotValues,
  ): { template: DocumentTemplate | null | undefined; document: string } {
    const fixed = memoise(values);
    const document = render(fixed);
    const template = DocumentTemplate.parse(render(slotMarker));
    if (template === null) return { template: null, document };
    const filled = template.fill(fixed);
    if (filled === null) return { template: undefined, document };
    return { template: filled === document ? template : null, document };
  }

  /** The template of a marker rendering, or null when a marker came out damaged. */
  static parse(rendered: string): DocumentTemplate | null {
    const parts: string[] = [];
    const slots: string[] = [];
    let from = 0;
    for (const match of rendered.matchAll(MARKER)) {
      parts.push(rendered.slice(from, match.index));
      slots.push(match[1] ?? '');
      from = match.index + match[0].length;
    }
    parts.push(rendered.slice(from));
    const damaged = parts.some((part) => part.includes(OPEN) || part.includes(CLOSE));
    return damaged ? null : new DocumentTemplate(parts, slots);
  }

  /** The names of the values the document contains, each once. */
  get slotNames(): readonly string[] {
    return [...new Set(this.slots)];
  }

  /**
   * The document for `values` (each name is asked for once, however often it occurs),
   * or null when a value is not verbatim text.
   */
  fill(values: SlotValues): string | null {
    const value = memoise(values);
    let out = this.parts[0] ?? '';
    for (let i = 0; i < this.slots.length; i++) {
      const text = value(this.slots[i] ?? '');
      if (!isVerbatimText(text)) return null;
      out += text + (this.parts[i + 1] ?? '');
    }
    return out;
  }
}

/** The same value for the same name within one rendering (a UUID used twice, say). */
function memoise(values: SlotValues): SlotValues {
  const seen = new Map<string, string>();
  return (name) => {
    let value = seen.get(name);
    if (value === undefined) {
      value = values(name);
      seen.set(name, value);
    }
    return value;
  };
}

/**
 * Templates per key object (a cached DomainSettings), held weakly: a key that leaves
 * the settings cache takes its template with it. A key whose renderer failed the
 * check is remembered (null) and always rendered directly.
 */
export class TemplateCache<K extends object> {
  private readonly templates = new WeakMap<K, DocumentTemplate | null>();

  /**
   * The document for `values`: filled into the key's template when it has one and the
   * values are verbatim text, else rendered directly. The key's first request compiles
   * its template.
   */
  render(key: K, render: (value: SlotValues) => string, values: SlotValues): string {
    const template = this.templates.get(key);
    if (template === null) return render(values);
    if (template !== undefined) return template.fill(values) ?? render(values);
    const compiled = DocumentTemplate.compile(render, values);
    if (compiled.template !== undefined) this.templates.set(key, compiled.template);
    return compiled.document;
  }
}
