/**
 * The globals Thunderbird's modules expect from Gecko, installed on globalThis before
 * any of them loads. The two XPCOM enums carry the values of MailNewsTypes2.idl (the
 * modules also compare them with literal numbers).
 */
import { geckoConsole, dump } from './case-log.mjs';
import { DOMParser, XMLSerializer } from './dom.mjs';
import { createLocalization } from './l10n.mjs';
import { ChromeUtils } from './module-registry.mjs';
import { createServices } from './services.mjs';
import { XMLHttpRequest } from './xhr.mjs';

const ENUMS = {
  nsMsgSocketType: { plain: 0, trySTARTTLS: 1, alwaysSTARTTLS: 2, SSL: 3 },
  nsMsgAuthMethod: {
    none: 1,
    old: 2,
    passwordCleartext: 3,
    passwordEncrypted: 4,
    GSSAPI: 5,
    NTLM: 6,
    External: 7,
    secure: 8,
    anything: 9,
    OAuth2: 10,
  },
};

/** Interfaces only passed to QueryInterface/instanceof checks are bare named objects. */
const Ci = new Proxy(ENUMS, {
  get: (enums, name) => enums[name] ?? Object.freeze({ name: String(name) }),
});

const Cc = new Proxy(
  {},
  {
    get(_, contractId) {
      throw new Error(`harness: XPCOM component ${String(contractId)} is not stood in`);
    },
  },
);

export function installGeckoGlobals(omniDir) {
  // Gecko reports a rejection nobody handled to the console; Node would end the process.
  process.on('unhandledRejection', (reason) => geckoConsole.error('uncaught (in promise)', reason));
  Promise.withResolvers ??= function withResolvers() {
    const resolvers = {};
    resolvers.promise = new this((resolve, reject) =>
      Object.assign(resolvers, { resolve, reject }),
    );
    return resolvers;
  };
  URL.parse ??= (url, base) => (URL.canParse(url, base) ? new URL(url, base) : null);
  Object.assign(globalThis, {
    ChromeUtils,
    Ci,
    Cc,
    Cu: { isInAutomation: false },
    Components: {
      stack: {
        get formattedStack() {
          return new Error().stack;
        },
      },
    },
    Services: createServices(omniDir),
    Localization: createLocalization(omniDir),
    console: geckoConsole,
    dump,
    DOMParser,
    XMLSerializer,
    XMLHttpRequest,
  });
}
