/**
 * Reads one section of an INI file the way Python's configparser (automx2's reader)
 * does, so an automx2 INI file means the same here: `key = value` and `key: value`,
 * keys case-insensitive, only whole-line comments (`#` or `;` first), so a `#` or `;`
 * inside a value (a database password) is part of it, quotes kept, indented lines
 * continue a value, `[DEFAULT]` values apply to every section. `%%` is handled by
 * the caller. Lines configparser would refuse (no delimiter, before any section) are
 * skipped.
 */
export function readIniSection(text: string, name: string): Record<string, string> | undefined {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) {
      continue;
    }
    if (/^\s/.test(line) && section !== undefined && key !== undefined) {
      section.set(key, `${section.get(key) ?? ''}\n${stripped}`);
      continue;
    }
    const header = /^\[(.+)\]/.exec(stripped);
    if (header?.[1] !== undefined) {
      const existing = sections.get(header[1]);
      section = existing ?? new Map<string, string>();
      if (!existing) sections.set(header[1], section);
      key = undefined;
      continue;
    }
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (section === undefined || option?.[1] === undefined || option[1] === '') {
      key = undefined;
      continue;
    }
    key = option[1].toLowerCase();
    section.set(key, option[2] ?? '');
  }
  const wanted = sections.get(name);
  if (wanted === undefined) return undefined;
  return Object.fromEntries([...(sections.get('DEFAULT') ?? []), ...wanted]);
}
