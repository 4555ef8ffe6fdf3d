import { SHARED_KINDS } from '../admin/http/admin-paths';

/**
 * Every public path with the methods it answers, for `405 Method Not Allowed` (with
 * `Allow`) and `OPTIONS`. test/e2e/routes.e2e-spec.ts checks the tables against the
 * real routes.
 */
export interface KnownRoute {
  readonly pattern: RegExp;
  readonly methods: readonly string[];
}

const READ = ['GET', 'HEAD'] as const;

export const KNOWN_ROUTES: readonly KnownRoute[] = [
  { pattern: /^\/$/, methods: READ },
  { pattern: /^\/mail\/config-v1\.1\.xml\/?$/i, methods: READ },
  { pattern: /^\/\.well-known\/autoconfig\/mail\/config-v1\.1\.xml\/?$/i, methods: READ },
  { pattern: /^\/autodiscover\/autodiscover\.xml\/?$/i, methods: ['POST'] },
  { pattern: /^\/autodiscover\/autodiscover\.json(\/v1\.0\/[^/]+)?\/?$/i, methods: READ },
  { pattern: /^\/mobileconfig\/?$/i, methods: READ },
  { pattern: /^\/initdb\/?$/i, methods: ['GET', 'HEAD', 'POST', 'DELETE'] },
  { pattern: /^\/healthz\/live\/?$/i, methods: READ },
  { pattern: /^\/healthz\/ready\/?$/i, methods: READ },
  { pattern: /^\/metrics\/?$/i, methods: READ },
];

const RESOURCE = ['GET', 'HEAD', 'PUT', 'DELETE'] as const;
const adminPath = (rest: string) => new RegExp(`^/admin/api/v1/${rest}/?$`, 'i');

/**
 * The admin API's paths (`/admin/api/v1/…`), consulted only while the API is on
 * (`admin_tokens_file` set); otherwise those paths are unknown like any other. One row
 * per route and shared kind.
 */
export const ADMIN_ROUTES: readonly KnownRoute[] = [
  { pattern: adminPath('domains'), methods: READ },
  { pattern: adminPath('domains/[^/]+'), methods: RESOURCE },
  { pattern: adminPath('domains/[^/]+/findings'), methods: READ },
  { pattern: adminPath('domains/[^/]+/dns'), methods: READ },
  ...SHARED_KINDS.flatMap((kind) => [
    { pattern: adminPath(kind), methods: READ },
    { pattern: adminPath(`${kind}/[^/]+`), methods: RESOURCE },
    { pattern: adminPath(`${kind}/[^/]+/domains`), methods: READ },
  ]),
  { pattern: adminPath('import'), methods: ['POST'] },
  { pattern: adminPath('export'), methods: READ },
  { pattern: adminPath('openapi\\.json'), methods: READ },
  { pattern: adminPath('preview'), methods: READ },
];

/**
 * The web console's paths (its page, `/admin` redirecting to it, and its built files),
 * served like the admin API only while the API is on.
 */
export const CONSOLE_ROUTES: readonly KnownRoute[] = [
  { pattern: /^\/admin\/?$/i, methods: READ },
  { pattern: /^\/admin\/assets\/[^/]+\/?$/i, methods: READ },
];

const ADMIN_AND_CONSOLE_ROUTES = [...ADMIN_ROUTES, ...CONSOLE_ROUTES];

/**
 * The methods allowed on a path (without query), or null for an unknown path. The admin
 * API's and the console's routes count only when `adminApi` is true (the API is on).
 */
export function allowedMethods(path: string, adminApi = false): readonly string[] | null {
  const found = KNOWN_ROUTES.find((route) => route.pattern.test(path));
  if (found !== undefined || !adminApi) return found?.methods ?? null;
  return ADMIN_AND_CONSOLE_ROUTES.find((route) => route.pattern.test(path))?.methods ?? null;
}
