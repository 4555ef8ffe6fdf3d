/**
 * The name of the token that authenticated a request, set by AdminAuthGuard and read by
 * the handlers (audit lines). Kept beside the request, not on it: nothing a client sends
 * can set it. Both Fastify's request and its raw Node request are keyed, so handlers
 * may pass either.
 */
const tokenNames = new WeakMap<object, string>();

/** Called by AdminAuthGuard once the token is verified. */
export function rememberAdminTokenName(request: object, name: string): void {
  tokenNames.set(request, name);
  const raw = (request as { raw?: unknown }).raw;
  if (typeof raw === 'object' && raw !== null) tokenNames.set(raw, name);
}

/**
 * The authenticated token's name. Throws when the request did not pass AdminAuthGuard:
 * a handler of the admin API without the guard is a programming error, not a client's.
 */
export function adminTokenName(request: unknown): string {
  const name =
    typeof request === 'object' && request !== null ? tokenNames.get(request) : undefined;
  if (name === undefined) throw new Error('the request was not authenticated by AdminAuthGuard');
  return name;
}
