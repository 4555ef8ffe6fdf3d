/**
 * `ChromeUtils`: Gecko's lazy module getters need the module synchronously, which Node
 * cannot import. So every URL a module asks for lazily is recorded here, and
 * loadLazyModules() imports them all (until no new ones appear) before a case runs;
 * a getter then reads the loaded module. Modules the account-setup path never touches
 * on these cases are not loaded, and a getter for one of them throws a message saying so.
 */
const loaded = new Map();
const wanted = new Set();
const NOT_LOADED = new Map([
  ['resource://gre/modules/AddonManager.sys.mjs', 'add-on installation'],
  ['resource:///modules/accountcreation/GuessConfig.sys.mjs', 'probes servers over the network'],
]);

function loadedModule(url) {
  const namespace = loaded.get(url);
  if (namespace === undefined) {
    throw new Error(`harness: ${url} is not loaded (${NOT_LOADED.get(url) ?? 'not requested'})`);
  }
  return namespace;
}

/** Defines `name` on `target`, computed on first read, as Gecko's lazy getters are. */
function defineLazy(target, name, compute) {
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: true,
    get() {
      const value = compute.call(target);
      Object.defineProperty(target, name, { value, writable: true, enumerable: true });
      return value;
    },
  });
}

export const ChromeUtils = {
  defineESModuleGetters(target, modules) {
    for (const [name, url] of Object.entries(modules)) {
      wanted.add(url);
      defineLazy(target, name, () => loadedModule(url)[name]);
    }
  },
  defineLazyGetter: defineLazy,
  importESModule: loadedModule,
  generateQI: () =>
    function QueryInterface() {
      return this;
    },
};

export async function importModule(url) {
  const namespace = await import(url);
  loaded.set(url, namespace);
  return namespace;
}

export async function loadLazyModules() {
  for (;;) {
    const pending = [...wanted].filter((url) => !loaded.has(url) && !NOT_LOADED.has(url));
    if (pending.length === 0) return;
    for (const url of pending) await importModule(url);
  }
}
