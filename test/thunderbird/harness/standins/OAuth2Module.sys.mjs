/**
 * Stand-in for Thunderbird's OAuth2Module.sys.mjs, which opens a browser window to sign
 * in. Whether a host has an OAuth2 provider comes from the real OAuth2Providers module;
 * the token request then fails, as when the user closes the sign-in window, and
 * Autodiscover falls back to Basic authentication exactly as Thunderbird does.
 */
import { OAuth2Providers } from 'resource:///modules/OAuth2Providers.sys.mjs';

export function OAuth2Module() {}

OAuth2Module.prototype = {
  initFromHostname(hostname, username, type) {
    return Boolean(OAuth2Providers.getHostnameDetails(hostname, type));
  },
  getAccessToken(listener) {
    listener.onFailure(new Error('no interactive OAuth2 sign-in in this harness'));
  },
  cancelPrompt() {},
};
