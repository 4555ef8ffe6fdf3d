/**
 * The part of an incoming request that guards, interceptors and controllers read.
 * Both Fastify's and Express's request objects have these members, so code outside
 * bootstrap never depends on either framework's types.
 */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string };
  /** Raw body bytes, set by the body reader registered in bootstrap. */
  readonly body?: unknown;
}

/** A header's first value. */
export function headerValue(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
