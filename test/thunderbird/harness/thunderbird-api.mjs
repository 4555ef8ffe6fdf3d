/**
 * Thunderbird's own account-discovery entry points, as its account hub calls them:
 * FetchConfig.fromISP (autoconfig: FetchHTTP, JXON, readFromXML) and
 * fetchConfigFromExchange (Autodiscover: FetchHTTP, JXON, readAutoDiscoverXML,
 * isComplete, preferStandardProtocols). 140 ESR takes success/error callbacks, 153 ESR
 * an AbortSignal and returns a promise; both are called here the way their callers do.
 */
import { importModule, loadLazyModules } from './module-registry.mjs';

const ACCOUNT_CREATION = 'resource:///modules/accountcreation/';

/** True for the callback style: its parameter list names a successCallback. */
function takesCallbacks(fn) {
  const source = fn.toString();
  return source.slice(0, source.indexOf(')')).includes('successCallback');
}

function discover(fn, leading, trailing) {
  if (takesCallbacks(fn)) {
    return new Promise((resolve, reject) => fn(...leading, ...trailing, resolve, reject));
  }
  return fn(...leading, new AbortController().signal, ...trailing);
}

/** Redirect confirmation (only asked for on redirects, which no case has): decline. */
function declineRedirect() {
  throw new Error('harness: redirect confirmation declined');
}

export async function loadThunderbird() {
  const { FetchConfig } = await importModule(`${ACCOUNT_CREATION}FetchConfig.sys.mjs`);
  const exchange = await importModule(`${ACCOUNT_CREATION}ExchangeAutoDiscover.sys.mjs`);
  const { AccountConfig } = await importModule(`${ACCOUNT_CREATION}AccountConfig.sys.mjs`);
  const { OAuth2Providers } = await importModule('resource:///modules/OAuth2Providers.sys.mjs');
  await loadLazyModules();
  return {
    AccountConfig,
    hasOAuth2Provider: (hostname, type) =>
      Boolean(OAuth2Providers.getHostnameDetails(hostname, type)),
    autoconfig: (domain, email) => discover(FetchConfig.fromISP, [domain, email], []),
    autodiscover: (domain, email, password) =>
      discover(
        exchange.fetchConfigFromExchange,
        [domain, email],
        [null, password, declineRedirect],
      ),
  };
}
