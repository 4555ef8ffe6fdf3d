/**
 * What the client-rule checkers share about host names, URLs and ports: clients take
 * only ASCII host names (A-labels, `xn--…`; Thunderbird's sanitizer drops a U-label,
 * K-9 and Apple devices fail on it) and TCP ports from 1 to 65535. Messages suggest the
 * form that would be accepted, computed with Node's WHATWG `domainToASCII` / `URL`.
 */
import { domainToASCII } from 'node:url';

export const MAX_PORT = 65535;

/** Any UTF-16 code unit above U+007F (spaces and controls are other rules' business). */
const NON_ASCII = /[\u0080-\uffff]/;

/** A decimal integer from 1 to 65535, written without sign, spaces or a fraction. */
export function isPort(text: string): boolean {
  if (!/^[0-9]+$/.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= MAX_PORT;
}

/** `isPort` for a number (a plist `<integer>`). */
export function isPortNumber(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= MAX_PORT;
}

/** The A-label (punycode) form of a host name, or the name itself if it has none. */
export function aLabel(host: string): string {
  return domainToASCII(host) || host;
}

/**
 * Why a host name is not one clients take (`is not ASCII (the A-label is "xn--…")`), or
 * undefined when it is ASCII.
 */
export function asciiViolation(host: string): string | undefined {
  if (!NON_ASCII.test(host)) return undefined;
  const ascii = domainToASCII(host);
  const hint = ascii === '' ? 'it has no A-label form' : `the A-label is "${ascii}"`;
  return `"${host}" is not ASCII (${hint})`;
}

/**
 * Why a URL is not one clients take (`is not ASCII (…)`), or undefined when it is
 * ASCII. The hint is the WHATWG serialisation: host as A-labels, a non-ASCII
 * path percent-encoded.
 */
export function asciiUrlViolation(url: string): string | undefined {
  if (!NON_ASCII.test(url)) return undefined;
  let hint: string;
  try {
    hint = `as the URL standard serialises it: "${new URL(url).href}"`;
  } catch {
    hint = 'and it is not a URL';
  }
  return `"${url}" is not ASCII (A-label host, percent-encoded path; ${hint})`;
}
