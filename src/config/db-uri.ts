/**
 * automx2 users have SQLAlchemy-style database URLs in their INI files. This maps
 * them to what our drivers need; the `+driver` suffix is ignored.
 */
export type DatabaseTarget =
  | { readonly type: 'sqlite'; readonly database: string }
  | {
      readonly type: 'postgres' | 'mysql';
      readonly host: string | undefined;
      readonly port: number | undefined;
      readonly socketPath: string | undefined;
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly database: string;
      readonly ssl: boolean;
      readonly charset: string | undefined;
    };

export class DbUriError extends Error {}

const SCHEMES: Record<string, 'sqlite' | 'postgres' | 'mysql'> = {
  sqlite: 'sqlite',
  postgresql: 'postgres',
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};

export function parseDbUri(uri: string): DatabaseTarget {
  const match = /^([a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?:\/\/(.*)$/i.exec(uri.trim());
  if (!match) throw new DbUriError('not a URL of the form dialect[+driver]://...');
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  const type = SCHEMES[scheme];
  if (!type) throw new DbUriError(`unsupported database "${scheme}" (sqlite, postgresql, mysql)`);
  return type === 'sqlite' ? parseSqlite(rest) : parseServer(type, scheme, rest);
}

function parseSqlite(rest: string): DatabaseTarget {
  // sqlite:// and sqlite:///:memory: are in-memory; sqlite:///rel.db and sqlite:////abs.db files.
  const withoutQuery = rest.split('?')[0] ?? '';
  if (withoutQuery === '' || withoutQuery === '/:memory:' || withoutQuery === '/') {
    return { type: 'sqlite', database: ':memory:' };
  }
  if (!withoutQuery.startsWith('/')) {
    throw new DbUriError('sqlite URLs need three slashes: sqlite:///relative.db or sqlite:////abs');
  }
  return { type: 'sqlite', database: decodeURIComponent(withoutQuery.slice(1)) };
}

/**
 * Whether the target is an in-memory SQLite database: private to the process that
 * opens it, so processes cannot share it (`workers` > 1 refuses one).
 */
export function isInMemorySqlite(target: DatabaseTarget): boolean {
  return target.type === 'sqlite' && target.database === ':memory:';
}

function parseServer(type: 'postgres' | 'mysql', scheme: string, rest: string): DatabaseTarget {
  // SQLAlchemy takes an empty host (`user:pw@/db?host=/run/postgresql`, a Unix socket);
  // WHATWG URLs refuse one after credentials, so parse with a stand-in host.
  const emptyHost = /^([^/?#]*@)?\//.test(rest);
  let url: URL;
  try {
    url = new URL(
      `${scheme}://${emptyHost ? rest.replace(/^([^/?#]*@)?/, '$1empty.invalid') : rest}`,
    );
  } catch {
    throw new DbUriError('malformed URL');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new DbUriError('missing database name');
  let port: number | undefined;
  if (url.port) {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DbUriError('bad port');
  }
  const query = url.searchParams;
  const socketPath = query.get(type === 'postgres' ? 'host' : 'unix_socket') ?? undefined;
  const sslmode = (query.get('sslmode') ?? query.get('ssl') ?? '').toLowerCase();
  return {
    type,
    // An IPv6 literal comes without its brackets, as drivers want it.
    host:
      url.hostname && !emptyHost
        ? decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1'))
        : undefined,
    port,
    socketPath,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
    ssl: ['require', 'verify-ca', 'verify-full', 'true', '1'].includes(sslmode),
    charset: query.get('charset') ?? undefined,
  };
}

/**
 * The URL with its password replaced, for log lines: everything up to the last `@`,
 * since parsers split there (a raw `@` in a password must not leak its tail).
 */
export function redactDbUri(uri: string): string {
  return uri.replace(/^([^:]+:\/\/[^:/@]*:).*@/s, '$1***@');
}
