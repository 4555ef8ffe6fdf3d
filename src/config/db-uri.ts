import { Charsets } from 'mysql2';

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

/** libpq's sslmode values and the booleans SQLAlchemy's MySQL drivers take for `ssl`. */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'].concat([
  'true',
  'false',
  '1',
  '0',
]);
const SSL_ON = ['require', 'verify-ca', 'verify-full', 'true', '1'];

/**
 * Whether mysql2 knows the charset (it refuses an unknown one on every connection
 * attempt, which would look like an outage retried forever). The table is the driver's
 * own, so it never disagrees with the driver.
 */
function isMysqlCharset(charset: string): boolean {
  return Object.hasOwn(Charsets, charset.toUpperCase());
}

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
  return { type: 'sqlite', database: decodeComponent(withoutQuery.slice(1), 'file name') };
}

/**
 * Percent-decodes one part of the URL. A `%` not followed by two hex digits is a
 * configuration error naming the part (never its text, which may be a password).
 */
function decodeComponent(text: string, part: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DbUriError(
      `malformed percent-encoding in the ${part} (a literal % is written %25 in a URL)`,
    );
  }
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
  const database = decodeComponent(url.pathname.replace(/^\//, ''), 'database name');
  if (!database || database.includes('/')) throw new DbUriError('missing database name');
  let port: number | undefined;
  if (url.port) {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DbUriError('bad port');
  }
  const query = url.searchParams;
  const socketPath = query.get(type === 'postgres' ? 'host' : 'unix_socket') ?? undefined;
  const sslmode = (query.get('sslmode') ?? query.get('ssl') ?? '').toLowerCase();
  if (sslmode !== '' && !SSL_MODES.includes(sslmode)) {
    throw new DbUriError(`unknown TLS mode "${sslmode}" (${SSL_MODES.join(', ')})`);
  }
  const charset = query.get('charset') ?? undefined;
  if (charset !== undefined && !isMysqlCharset(charset)) {
    throw new DbUriError(`unknown charset "${charset}"`);
  }
  return {
    type,
    // An IPv6 literal comes without its brackets, as drivers want it.
    host:
      url.hostname && !emptyHost
        ? decodeComponent(url.hostname.replace(/^\[(.*)\]$/, '$1'), 'host')
        : undefined,
    port,
    socketPath,
    username: url.username ? decodeComponent(url.username, 'user name') : undefined,
    password: url.password ? decodeComponent(url.password, 'password') : undefined,
    database,
    ssl: SSL_ON.includes(sslmode),
    charset,
  };
}

/**
 * The URL with its password replaced, for log lines: everything up to the last `@`,
 * since parsers split there (a raw `@` in a password must not leak its tail).
 */
export function redactDbUri(uri: string): string {
  return uri.replace(/^([^:]+:\/\/[^:/@]*:).*@/s, '$1***@');
}
