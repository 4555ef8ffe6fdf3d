import type { DomainView, SharedKind, SharedView, WithUsage } from '../admin-store';
import type { ImportSummary } from '../bulk/bulk.service';
import { SHARED_KIND_SINGULAR } from './admin-paths';

/**
 * The short change summaries of audit lines (`created domain example.com (2 servers)`).
 * They name what changed and how, never a password, token or hash: a changed LDAP bind
 * password is reported as changed, without its values.
 */

/** Columns whose values never appear in a summary. */
const SECRET_COLUMNS: ReadonlySet<string> = new Set(['bind_password']);
/** Columns that are not the row's own (identity, usage). */
const NOT_COLUMNS: ReadonlySet<string> = new Set(['id', 'domain_count']);

const MAX_VALUE_LENGTH = 80;

/** `created domain example.com (2 servers, 1 davserver)` or `replaced domain …`. */
export function domainWritten(created: boolean, view: DomainView): string {
  const parts = [counted(view.servers.length, 'server')];
  if (view.davservers.length > 0) parts.push(counted(view.davservers.length, 'davserver'));
  if (view.ldapserver !== null) parts.push(`ldapserver ${shown(view.ldapserver.name)}`);
  return `${created ? 'created' : 'replaced'} domain ${shown(view.name)} (${parts.join(', ')})`;
}

export function domainDeleted(name: string): string {
  return `deleted domain ${shown(name)}`;
}

/**
 * `changed server 4 (name imap.example.com → imap2.example.com), used by 5000 domains`:
 * every column whose value differs between the row before and after the write.
 */
export function sharedChanged<K extends SharedKind>(
  kind: K,
  before: WithUsage<SharedView[K]> | null,
  after: WithUsage<SharedView[K]>,
): string {
  const changes = before === null ? [] : columnChanges(before, after);
  const what = changes.length === 0 ? 'no change' : changes.join(', ');
  return `changed ${SHARED_KIND_SINGULAR[kind]} ${after.id} (${what}), used by ${counted(after.domain_count, 'domain')}`;
}

export function sharedDeleted(kind: SharedKind, id: number): string {
  return `deleted ${SHARED_KIND_SINGULAR[kind]} ${id}`;
}

/**
 * `import merge: 3 added, 1 replaced` (then what was merged away or removed, when
 * anything was), or `import replace: 2 providers, 10 domains, …` (the rows loaded).
 */
export function importDone(summary: ImportSummary): string {
  if (summary.mode === 'replace') {
    const { providers, domains, servers, davservers, ldapservers } = summary;
    const rows = [
      counted(providers, 'provider'),
      counted(domains, 'domain'),
      counted(servers, 'server'),
      counted(davservers, 'davserver'),
      counted(ldapservers, 'ldapserver'),
    ];
    return `import replace: ${rows.join(', ')}`;
  }
  const parts = [`${summary.added} added`, `${summary.replaced} replaced`];
  if (summary.merged_away > 0) parts.push(`${summary.merged_away} merged away`);
  const { servers, davservers, ldapservers, providers } = summary.removed;
  const removed = [
    [servers, 'server'],
    [davservers, 'davserver'],
    [ldapservers, 'ldapserver'],
    [providers, 'provider'],
  ] as const;
  const gone = removed.filter(([count]) => count > 0).map(([count, noun]) => counted(count, noun));
  if (gone.length > 0) parts.push(`removed ${gone.join(', ')}`);
  return `import merge: ${parts.join(', ')}`;
}

function columnChanges(before: object, after: object): string[] {
  const old = before as Readonly<Record<string, unknown>>;
  const changes: string[] = [];
  for (const [column, value] of Object.entries(after as Readonly<Record<string, unknown>>)) {
    if (NOT_COLUMNS.has(column) || Object.is(old[column], value)) continue;
    changes.push(
      SECRET_COLUMNS.has(column)
        ? `${column} changed`
        : `${column} ${shown(old[column])} → ${shown(value)}`,
    );
  }
  return changes;
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A value as it appears in a summary: plain when it is a short word, quoted (JSON, so
 * control characters are escaped) otherwise, and cut to a bounded length.
 */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return 'null';
  const text = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
  return /^[^\s"\\\p{C}]+$/u.test(text) && text !== 'null' ? text : JSON.stringify(text);
}
