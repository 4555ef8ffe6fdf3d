import type { SharedKind } from '../admin-store';

/** Where the admin API lives (controllers, the route table, the error answers). */
export const ADMIN_API_BASE = '/admin/api/v1';

/** Controller paths (Nest's form: no leading slash). */
export const ADMIN_CONTROLLER_BASE = ADMIN_API_BASE.slice(1);

/** The shared row kinds in path order, each with the word its audit lines use. */
export const SHARED_KINDS = ['servers', 'davservers', 'ldapservers', 'providers'] as const;

export const SHARED_KIND_SINGULAR: Readonly<Record<SharedKind, string>> = {
  servers: 'server',
  davservers: 'davserver',
  ldapservers: 'ldapserver',
  providers: 'provider',
};

const UNDER_ADMIN_API = /^\/admin\/api(?:\/|$)/i;
const IMPORT_PATH = /^\/admin\/api\/v1\/import\/?$/i;

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const end = url.indexOf('?');
  return end < 0 ? url : url.slice(0, end);
}

/**
 * Whether a request target is under `/admin/api/` (any case, as the routers match):
 * errors there are answered as admin JSON while the API is on.
 */
export function isAdminApiPath(url: string): boolean {
  return UNDER_ADMIN_API.test(pathOf(url));
}

/** Whether a request target is `POST /import`'s, whose body may be `admin_import_limit` long. */
export function isImportPath(url: string): boolean {
  return IMPORT_PATH.test(pathOf(url));
}

/** The canonical path of a domain: its stored name, percent-encoded (the `Location` of PUT). */
export function domainPath(name: string): string {
  return `${ADMIN_API_BASE}/domains/${encodeURIComponent(name)}`;
}

/** The canonical path of a shared row. */
export function sharedPath(kind: SharedKind, id: number): string {
  return `${ADMIN_API_BASE}/${kind}/${id}`;
}
