/**
 * The headers of every console answer (page, assets, 404, 503): a strict
 * Content-Security-Policy (no inline script or style, API calls to this origin only,
 * no framing), no type sniffing, no referrer, and revalidation on every load so that an
 * upgraded server never runs with a stale bundle.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
};

/** Where the console lives (its page; the built files under `assets/`). */
export const CONSOLE_PATH = '/admin/';
