/**
 * Thunderbird's en-US strings, so exception texts are the ones users see: Fluent
 * `Localization` (153 ESR) reads localization/en-US/<resource>.ftl, and string bundles
 * (140 ESR, `Services.strings`) read chrome://<package>/locale/<file>.properties through
 * the chrome.manifest `locale` lines of omni.ja.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Simple Fluent messages (`id = text`, indented continuation lines); args fill `{ $x }`. */
function readFluent(file) {
  const messages = new Map();
  let current;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const message = /^([a-zA-Z][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (message) {
      current = message[1];
      messages.set(current, message[2]);
    } else if (current && /^\s+\S/.test(line) && !/^\s+\./.test(line)) {
      messages.set(current, `${messages.get(current)}\n${line.trim()}`.trim());
    } else if (!/^\s/.test(line)) {
      current = undefined;
    }
  }
  return messages;
}

function readProperties(file) {
  const strings = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const entry = /^\s*([^#!\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!entry) continue;
    const value = entry[2].replace(/\\u([0-9a-fA-F]{4})/g, (_, hex) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    strings.set(entry[1], value.replace(/\\n/g, '\n'));
  }
  return strings;
}

export function createLocalization(omniDir) {
  return class Localization {
    constructor(resourceIds) {
      this.messages = new Map();
      for (const id of resourceIds) {
        const file = join(omniDir, 'localization', 'en-US', id);
        if (existsSync(file)) for (const entry of readFluent(file)) this.messages.set(...entry);
      }
    }

    formatValueSync(id, args = {}) {
      const text = this.messages.get(id);
      if (text === undefined) return id;
      return text.replace(/\{\s*\$(\w+)\s*\}/g, (_, name) => String(args[name]));
    }

    formatValue(id, args) {
      return Promise.resolve(this.formatValueSync(id, args));
    }
  };
}

/** `Services.strings.createBundle(chrome://pkg/locale/file)`. */
export function createStringBundles(omniDir) {
  const localeDirs = new Map();
  const manifest = join(omniDir, 'chrome', 'chrome.manifest');
  for (const line of existsSync(manifest) ? readFileSync(manifest, 'utf8').split('\n') : []) {
    const [kind, pkg, locale, path] = line.trim().split(/\s+/);
    if (kind === 'locale' && locale === 'en-US') localeDirs.set(pkg, join(omniDir, 'chrome', path));
  }
  return {
    createBundle(url) {
      const match = /^chrome:\/\/([^/]+)\/locale\/(.+)$/.exec(url);
      const dir = match && localeDirs.get(match[1]);
      if (!dir) throw new Error(`harness: no en-US locale for ${url}`);
      const strings = readProperties(join(dir, match[2]));
      return {
        GetStringFromName(name) {
          if (!strings.has(name)) throw new Error(`NS_ERROR_FAILURE: no string ${name} in ${url}`);
          return strings.get(name);
        },
        formatStringFromName(name, params) {
          let index = 0;
          return this.GetStringFromName(name).replace(/%(\d+\$)?S/g, (_, position) =>
            String(params[position ? parseInt(position, 10) - 1 : index++]),
          );
        },
      };
    },
  };
}
