import { domainToASCII } from 'node:url';

/**
 * Host names and URLs as clients accept them: ASCII only (CLIENTS.md). Thunderbird's
 * sanitizer drops a host written in Unicode and K-9 takes only ASCII in `<domain>`, so
 * internationalised names go out as A-labels (punycode) and non-ASCII URL text
 * percent-encoded as UTF-8, as the WHATWG URL serializer writes it. ASCII input is
 * returned unchanged (same case, same form), so existing answers do not move.
 */

// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const ASCII = /^[\x00-\x7f]*$/;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const NON_ASCII_RUN = /[^\x00-\x7f]+/g;

/** `scheme://[userinfo@]host[:port]rest`, host without brackets (IPv6 is ASCII anyway). */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*@)?([^/?#:]*)(.*)$/s;

/**
 * The A-label form of a host name (`imap.bücher.example` → `imap.xn--bcher-kva.example`).
 * A name that is not a valid IDN stays as it is (a client will refuse it either way).
 */
export function asciiHostname(name: string): string {
  if (ASCII.test(name)) return name;
  return domainToASCII(name) || name;
}

/**
 * The URL with its host in A-labels and any other non-ASCII text percent-encoded
 * (`https://dav.bücher.example/~jürgen/` → `https://dav.xn--bcher-kva.example/~j%C3%BCrgen/`).
 * Placeholders (`%EMAILADDRESS%`) and existing escapes are ASCII and stay as written.
 */
export function asciiUrl(url: string): string {
  if (ASCII.test(url)) return url;
  const parts = URL_PARTS.exec(url);
  if (parts === null) return percentEncodeNonAscii(url);
  const [scheme = '', userinfo = '', host = '', rest = ''] = parts.slice(1);
  return (
    `${scheme}${percentEncodeNonAscii(userinfo)}` +
    `${asciiHostname(host)}${percentEncodeNonAscii(rest)}`
  );
}

function percentEncodeNonAscii(text: string): string {
  return text.replace(NON_ASCII_RUN, (run) => encodeRun(run));
}

/** UTF-8 percent-encoding; Buffer writes a lone surrogate (which UTF-8 cannot carry) as U+FFFD. */
function encodeRun(run: string): string {
  return [...Buffer.from(run, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}
