import { createHash } from 'node:crypto';

/**
 * The strong ETag of a resource view: a hash of its JSON, so it changes exactly when
 * what GET answers changes (a shared server edited elsewhere changes the ETag of every
 * domain that uses it).
 */
export function etagOf(view: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(view)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/** Whether an If-Match list (already split, `*` allowed) accepts the current ETag. */
export function ifMatchAccepts(ifMatch: readonly string[], current: string | null): boolean {
  if (current === null) return false;
  return ifMatch.some((tag) => tag === '*' || stripWeak(tag) === current);
}

/** Splits an If-Match / If-None-Match header into its entity tags. */
export function parseEntityTags(header: string | undefined): readonly string[] | undefined {
  if (header === undefined) return undefined;
  const tags = header.match(/\*|(?:W\/)?"[^"]*"/g);
  return tags ?? [];
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
