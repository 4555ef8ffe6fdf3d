/**
 * `Services` with what the account-setup modules read: prefs (Thunderbird's own default
 * prefs from omni.ja), io.newURI (WHATWG URL), strings (string bundles). Any other
 * service throws, naming itself, rather than answering something made up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStringBundles } from './l10n.mjs';

/** Prefs compiled into libxul (StaticPrefList) that the modules read without a default. */
const STATIC_PREFS = { 'mail.graph.enabled': false };

const PREF_LINE =
  /^\s*(?:pref|sticky_pref)\(\s*"([^"]+)"\s*,\s*(true|false|-?\d+|"(?:[^"\\]|\\.)*")/;

function readDefaultPrefs(omniDir) {
  const prefs = new Map(Object.entries(STATIC_PREFS));
  const dir = join(omniDir, 'defaults', 'pref');
  const files = [join(omniDir, 'greprefs.js'), ...readdirSync(dir).map((name) => join(dir, name))];
  for (const file of files.filter((name) => name.endsWith('.js'))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const pref = PREF_LINE.exec(line);
      if (pref) prefs.set(pref[1], JSON.parse(pref[2]));
    }
  }
  return prefs;
}

function createPrefs(omniDir) {
  const prefs = readDefaultPrefs(omniDir);
  const get = (name, fallback) => {
    if (prefs.has(name)) return prefs.get(name);
    if (fallback !== undefined) return fallback;
    throw new Error(`NS_ERROR_UNEXPECTED: no default for pref ${name}`);
  };
  return { getBoolPref: get, getCharPref: get, getIntPref: get, getStringPref: get };
}

function newURI(spec) {
  const url = new URL(spec);
  return {
    spec: url.href,
    scheme: url.protocol.slice(0, -1),
    host: url.hostname,
    hostPort: url.host,
    prePath: url.origin,
    pathQueryRef: url.pathname + url.search + url.hash,
    QueryInterface() {
      return this;
    },
  };
}

export function createServices(omniDir) {
  const services = {
    prefs: createPrefs(omniDir),
    io: { newURI },
    strings: createStringBundles(omniDir),
  };
  return new Proxy(services, {
    get(target, name) {
      if (name in target) return target[name];
      throw new Error(`harness: Services.${String(name)} is not stood in`);
    },
  });
}
