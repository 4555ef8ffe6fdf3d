import type { Engine } from './engine';

/**
 * The SQL of a domain lookup, written once per dialect (identifier quotes, placeholders,
 * case-insensitive name match) so that no SQL is built per request.
 *
 * A lookup reads four kinds of rows (see ROW_KIND): the domain with its provider and
 * LDAP server, the provider's domains, the mail servers and the DAV servers. Each is a
 * SELECT that finds the domain by a scalar subquery on the candidate names (an index
 * lookup), so each stands on its own; each row says in `k` what it is and carries `o1`
 * and `o2`, by which settings-rows.ts orders each list. All four must come from one
 * snapshot, even while a purge, a load or an import commits:
 * - PostgreSQL, MySQL/MariaDB: one statement, their UNION ALL (a statement reads one
 *   snapshot), each SELECT padded with NULLs for the others' columns; no ORDER BY, which
 *   spares the database a sort of the whole union;
 * - SQLite: the four SELECTs as they are, run one after the other inside one read
 *   transaction (sqlite-reads.ts): better-sqlite3 turns each column of each row into an
 *   object property, so the padded union would cost it twice the time.
 */
export type SqlDialect = Engine;

/** What one lookup runs, for a number of candidate names. */
export interface LookupSql {
  /** The statements whose rows, read from one snapshot, make the lookup. */
  readonly statements: readonly string[];
  /** The parameters of each statement for these candidate names. */
  readonly parameters: (names: readonly string[]) => readonly string[];
}

export interface SettingsSql {
  /** The lookup for 1..3 candidate names (index = count - 1). */
  readonly lookup: readonly LookupSql[];
}

export const ROW_KIND = { domain: 0, providerDomain: 1, server: 2, davServer: 3 } as const;

type ColumnType = 'int' | 'text' | 'bool';

/** Column name → [expression, type]. */
type Columns = Readonly<Record<string, readonly [string, ColumnType]>>;

/** The domain row's columns (aliases d, p, l). */
const DOMAIN: Columns = {
  d_id: ['d.id', 'int'],
  d_name: ['d.name', 'text'],
  p_id: ['p.id', 'int'],
  p_name: ['p.name', 'text'],
  p_short_name: ['p.short_name', 'text'],
  l_id: ['l.id', 'int'],
  l_name: ['l.name', 'text'],
  l_port: ['l.port', 'int'],
  l_use_ssl: ['l.use_ssl', 'bool'],
  l_search_base: ['l.search_base', 'text'],
  l_search_filter: ['l.search_filter', 'text'],
  l_attr_uid: ['l.attr_uid', 'text'],
  l_attr_cn: ['l.attr_cn', 'text'],
  l_bind_password: ['l.bind_password', 'text'],
  l_bind_user: ['l.bind_user', 'text'],
};

const PROVIDER_DOMAIN: Columns = { pd_name: ['x.name', 'text'] };

const SERVER: Columns = {
  s_id: ['s.id', 'int'],
  s_prio: ['s.prio', 'int'],
  s_name: ['s.name', 'text'],
  s_port: ['s.port', 'int'],
  s_type: ['s.type', 'text'],
  s_socket_type: ['s.socket_type', 'text'],
  s_user_name: ['s.user_name', 'text'],
  s_authentication: ['s.authentication', 'text'],
};

const DAV_SERVER: Columns = {
  v_id: ['v.id', 'int'],
  v_url: ['v.url', 'text'],
  v_port: ['v.port', 'int'],
  v_type: ['v.type', 'text'],
  v_use_ssl: ['v.use_ssl', 'bool'],
  v_domain_required: ['v.domain_required', 'bool'],
  v_user_name: ['v.user_name', 'text'],
};

const ALL: Columns = { ...DOMAIN, ...PROVIDER_DOMAIN, ...SERVER, ...DAV_SERVER };

const PG_TYPES: Record<ColumnType, string> = { int: 'integer', text: 'text', bool: 'boolean' };

const KINDS = [
  ROW_KIND.domain,
  ROW_KIND.providerDomain,
  ROW_KIND.server,
  ROW_KIND.davServer,
] as const;

export function settingsSql(dialect: SqlDialect): SettingsSql {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  // PostgreSQL resolves a UNION's column types pairwise: NULL UNION NULL would become
  // text and then clash with an integer, so its NULLs carry their type.
  const nullOf = (type: ColumnType) =>
    dialect === 'postgres' ? `NULL::${PG_TYPES[type]}` : 'NULL';
  // MySQL/MariaDB compare through the unique index's case-insensitive collation; the
  // others use the lower(name) expression index of the second migration.
  const nameExpression = dialect === 'mysql' ? 'n.name' : 'lower(n.name)';
  const union = dialect !== 'sqlite';

  /** One SELECT: its kind, order keys and columns (with the others' as NULL in a union). */
  const select = (kind: number, order: readonly [string, string], own: Columns, from: string) =>
    `SELECT ${kind} AS k, ${order[0]} AS o1, ${order[1]} AS o2, ` +
    Object.entries(union ? ALL : own)
      .map(([name, [, type]]) => `${own[name]?.[0] ?? nullOf(type)} AS ${name}`)
      .join(', ') +
    ` FROM ${from}`;

  const lookup = [1, 2, 3].map((count): LookupSql => {
    // PostgreSQL numbers its parameters, so every subquery uses $1..$count; elsewhere
    // each `?` takes the next name: the names once per subquery.
    const placeholders = Array.from({ length: count }, (_, i) =>
      dialect === 'postgres' ? `$${i + 1}` : '?',
    ).join(', ');
    /** The id (or provider) of the first domain among the candidate names. */
    const found = (column: 'id' | 'provider_id') =>
      `(SELECT n.${column} FROM ${q('domain')} n WHERE ${nameExpression} IN (${placeholders}) ` +
      'ORDER BY n.id LIMIT 1)';
    const selects = KINDS.map((kind) => {
      switch (kind) {
        case ROW_KIND.domain:
          return select(
            kind,
            ['0', '0'],
            DOMAIN,
            `${q('domain')} d JOIN ${q('provider')} p ON p.id = d.provider_id ` +
              `LEFT JOIN ${q('ldapserver')} l ON l.id = d.ldapserver_id WHERE d.id = ${found('id')}`,
          );
        case ROW_KIND.providerDomain:
          return select(
            kind,
            ['x.id', '0'],
            PROVIDER_DOMAIN,
            `${q('domain')} x WHERE x.provider_id = ${found('provider_id')}`,
          );
        case ROW_KIND.server:
          return select(
            kind,
            ['s.prio', 's.id'],
            SERVER,
            `${q('server_domain')} sd JOIN ${q('server')} s ON s.id = sd.server_id ` +
              `WHERE sd.domain_id = ${found('id')}`,
          );
        case ROW_KIND.davServer:
          return select(
            kind,
            ['v.id', '0'],
            DAV_SERVER,
            `${q('davserver_domain')} vd JOIN ${q('davserver')} v ` +
              `ON v.id = vd.davserver_id WHERE vd.domain_id = ${found('id')}`,
          );
      }
    });
    if (!union) return { statements: selects, parameters: (names) => names };
    return {
      statements: [selects.join(' UNION ALL ')],
      parameters:
        dialect === 'postgres' ? (names) => names : (names) => selects.flatMap(() => names),
    };
  });
  return { lookup };
}
