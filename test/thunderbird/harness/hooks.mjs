/**
 * Module resolution for Thunderbird's own ES modules (runs in Node's hooks thread, see
 * register.mjs). Gecko loads `resource:///modules/…` (the application's omni.ja),
 * `resource://gre/modules/…` (Gecko's; Thunderbird ships one omni.ja for both) and
 * `moz-src:///…`; here they map to the unzipped omni.ja of the version under test.
 * A few modules that reach the network, the OS or a browser window are replaced by the
 * stand-ins in ./standins (Timer: Node's timers; DNS: no records; OAuth2Module: no
 * interactive sign-in).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const STANDINS = new Map([
  ['resource://gre/modules/Timer.sys.mjs', 'Timer.sys.mjs'],
  ['resource:///modules/DNS.sys.mjs', 'DNS.sys.mjs'],
  ['resource:///modules/OAuth2Module.sys.mjs', 'OAuth2Module.sys.mjs'],
]);

const SCHEMES = [
  ['resource:///modules/', 'modules'],
  ['resource://gre/modules/', 'modules'],
  ['moz-src:///', 'moz-src'],
];

let omniDir = '';
let standinsDir = '';

export function initialize(data) {
  omniDir = data.omniDir;
  standinsDir = data.standinsDir;
}

export function resolve(specifier, context, nextResolve) {
  const standin = STANDINS.get(specifier);
  if (standin !== undefined) return moduleAt(join(standinsDir, standin));
  for (const [prefix, dir] of SCHEMES) {
    if (!specifier.startsWith(prefix)) continue;
    const file = join(omniDir, dir, specifier.slice(prefix.length));
    if (!existsSync(file)) throw new Error(`${specifier}: no such file in ${omniDir}`);
    return moduleAt(file);
  }
  if (/^(resource|chrome|moz-src):/.test(specifier)) {
    throw new Error(`${specifier}: this harness maps no such Gecko URL`);
  }
  return nextResolve(specifier, context);
}

function moduleAt(file) {
  return { url: pathToFileURL(file).href, format: 'module', shortCircuit: true };
}
