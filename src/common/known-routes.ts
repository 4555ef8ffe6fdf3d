/**
 * Every public path with the methods it answers, for `405 Method Not Allowed` (with
 * `Allow`) and `OPTIONS`. test/e2e/routes.e2e-spec.ts checks the table against the
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

/** The methods allowed on a path (without query), or null for an unknown path. */
export function allowedMethods(path: string): readonly string[] | null {
  return KNOWN_ROUTES.find((route) => route.pattern.test(path))?.methods ?? null;
}
