import {
  DbUriError,
  isInMemorySqlite,
  parseDbUri,
  redactDbUri,
  type DatabaseTarget,
} from './db-uri';

const server = (
  type: 'postgres' | 'mysql',
  values: Partial<Extract<DatabaseTarget, { type: 'postgres' | 'mysql' }>>,
): DatabaseTarget => ({
  type,
  host: undefined,
  port: undefined,
  socketPath: undefined,
  username: undefined,
  password: undefined,
  database: '',
  ssl: false,
  charset: undefined,
  ...values,
});

function problemOf(uri: string): string {
  try {
    parseDbUri(uri);
  } catch (error) {
    if (error instanceof DbUriError) return error.message;
    return `not a DbUriError: ${String(error)}`;
  }
  return 'accepted';
}

describe('parseDbUri', () => {
  describe('sqlite', () => {
    it.each(['sqlite://', 'sqlite:///:memory:', 'sqlite:///', 'SQLite:///:memory:'])(
      '%s is an in-memory database',
      (uri) => {
        expect(parseDbUri(uri)).toEqual({ type: 'sqlite', database: ':memory:' });
      },
    );

    it.each([
      ['sqlite:////abs/path.db', '/abs/path.db'],
      ['sqlite:////var/lib/automx2/db.sqlite', '/var/lib/automx2/db.sqlite'],
      ['sqlite:///relative.db', 'relative.db'],
      ['sqlite:///data/relative.db', 'data/relative.db'],
      ['sqlite+pysqlite:////abs/path.db', '/abs/path.db'],
      ['sqlite:////tmp/with%20space.db', '/tmp/with space.db'],
      ['sqlite:////abs/path.db?timeout=5', '/abs/path.db'],
      ['  sqlite:////abs/path.db  ', '/abs/path.db'],
    ])('%s is the file %s', (uri, file) => {
      expect(parseDbUri(uri)).toEqual({ type: 'sqlite', database: file });
    });

    it('refuses two slashes with a name (a host, which SQLite has not)', () => {
      expect(problemOf('sqlite://relative.db')).toMatch(/three slashes/);
    });
  });

  describe('postgresql', () => {
    it('reads user, password, host, port and database', () => {
      expect(parseDbUri('postgresql://u:p@h:5433/db')).toEqual(
        server('postgres', {
          host: 'h',
          port: 5433,
          username: 'u',
          password: 'p',
          database: 'db',
        }),
      );
    });

    it.each([
      'postgresql+psycopg2://u:p@h:5433/db',
      'postgresql+psycopg://u:p@h:5433/db',
      'postgresql+pg8000://u:p@h:5433/db',
      'postgres://u:p@h:5433/db',
      'PostgreSQL://u:p@h:5433/db',
    ])('ignores the driver suffix and accepts the alias: %s', (uri) => {
      expect(parseDbUri(uri)).toEqual(parseDbUri('postgresql://u:p@h:5433/db'));
    });

    it('leaves the port undefined when not given, and user and password optional', () => {
      expect(parseDbUri('postgresql://db.example.com/automx2')).toEqual(
        server('postgres', { host: 'db.example.com', database: 'automx2' }),
      );
      expect(parseDbUri('postgresql://only-user@h/db')).toEqual(
        server('postgres', { host: 'h', username: 'only-user', database: 'db' }),
      );
    });

    it('decodes a percent-encoded user, password and database', () => {
      expect(parseDbUri('postgresql://us%40er:p%40ss%3Aw%2Fo%23rd%25@h/my%20db')).toEqual(
        server('postgres', {
          host: 'h',
          username: 'us@er',
          password: 'p@ss:w/o#rd%',
          database: 'my db',
        }),
      );
    });

    it('takes ?host= as the Unix socket directory, also with an empty host', () => {
      expect(parseDbUri('postgresql:///automx2?host=/var/run/postgresql')).toEqual(
        server('postgres', { socketPath: '/var/run/postgresql', database: 'automx2' }),
      );
      expect(
        parseDbUri('postgresql+psycopg2://user:secret@/automx2?host=/var/run/postgresql'),
      ).toEqual(
        server('postgres', {
          socketPath: '/var/run/postgresql',
          username: 'user',
          password: 'secret',
          database: 'automx2',
        }),
      );
      expect(parseDbUri('postgresql://u@localhost/db?host=/tmp')).toEqual(
        server('postgres', {
          host: 'localhost',
          socketPath: '/tmp',
          username: 'u',
          database: 'db',
        }),
      );
    });

    it.each([
      ['require', true],
      ['verify-ca', true],
      ['verify-full', true],
      ['REQUIRE', true],
      ['disable', false],
      ['prefer', false],
      ['allow', false],
    ])('?sslmode=%s gives ssl %p', (mode, ssl) => {
      expect(parseDbUri(`postgresql://u@h/db?sslmode=${mode}`)).toMatchObject({ ssl });
    });

    it('takes an IPv6 literal without its brackets', () => {
      expect(parseDbUri('postgresql://u@[::1]:5432/db')).toMatchObject({
        host: '::1',
        port: 5432,
      });
    });
  });

  describe('mysql', () => {
    it('reads mysql:// and mariadb:// URLs', () => {
      const expected = server('mysql', {
        host: 'h',
        port: 3306,
        username: 'u',
        password: 'p',
        database: 'db',
      });
      expect(parseDbUri('mysql://u:p@h:3306/db')).toEqual(expected);
      expect(parseDbUri('mariadb://u:p@h:3306/db')).toEqual(expected);
      expect(parseDbUri('mysql+mysqldb://u:p@h:3306/db')).toEqual(expected);
    });

    it('reads mysql+pymysql with a charset', () => {
      expect(parseDbUri('mysql+pymysql://u:p@h/db?charset=utf8mb4')).toEqual(
        server('mysql', {
          host: 'h',
          username: 'u',
          password: 'p',
          database: 'db',
          charset: 'utf8mb4',
        }),
      );
    });

    it('takes ?unix_socket= as the socket path and ?ssl=true as TLS', () => {
      expect(parseDbUri('mysql://u@localhost/db?unix_socket=/run/mysqld/mysqld.sock')).toEqual(
        server('mysql', {
          host: 'localhost',
          socketPath: '/run/mysqld/mysqld.sock',
          username: 'u',
          database: 'db',
        }),
      );
      expect(parseDbUri('mysql://u@h/db?ssl=true')).toMatchObject({ ssl: true });
    });
  });

  describe('refused URLs', () => {
    it.each([
      ['oracle://u:p@h/db', /unsupported database "oracle"/],
      ['mssql+pyodbc://u:p@h/db', /unsupported database "mssql"/],
      ['postgresql://h', /missing database name/],
      ['postgresql://h/', /missing database name/],
      ['mysql://u:p@h', /missing database name/],
      ['postgresql://h/db/extra', /missing database name/],
      ['postgresql://h:0/db', /bad port/],
      ['postgresql://h:99999/db', /bad port|malformed/],
      ['postgresql://h:port/db', /bad port|malformed/],
      ['nonsense', /dialect\[\+driver\]:\/\//],
      ['', /dialect\[\+driver\]:\/\//],
      ['sqlite:/relative.db', /dialect\[\+driver\]:\/\//],
      ['://h/db', /dialect\[\+driver\]:\/\//],
      ['postgresql://u:p%ss@h/db', /malformed percent-encoding in the password/],
      ['postgresql://u%zz:p@h/db', /malformed percent-encoding in the user name/],
      ['postgresql://u:p@h/d%b', /malformed percent-encoding in the database name/],
      ['sqlite:///a%.db', /malformed percent-encoding in the file name/],
      ['mysql://u:p@h/db?charset=evil', /unknown charset "evil"/],
      ['postgresql://u:p@h/db?sslmode=evil', /unknown TLS mode "evil"/],
      ['mysql://u:p@h/db?ssl=maybe', /unknown TLS mode "maybe"/],
    ])('%j: %p', (uri, message) => {
      expect(problemOf(uri)).toMatch(message);
    });

    it('never puts the password into the message', () => {
      for (const uri of [
        'oracle://u:TopSecret1@h/db',
        'postgresql://u:TopSecret1@h',
        'postgresql://u:TopSecret1@h:99999/db',
        'postgresql://u:TopSecret1@h:0/db',
        'postgresql://u:Top%Secret1@h/db',
      ]) {
        expect(problemOf(uri)).not.toContain('TopSecret1');
      }
    });
  });
});

describe('redactDbUri', () => {
  it.each([
    ['postgresql://u:secret@h/db', 'postgresql://u:***@h/db'],
    ['postgresql+psycopg2://u:secret@h:5432/db', 'postgresql+psycopg2://u:***@h:5432/db'],
    ['mysql+pymysql://u:p%40ss@h/db?charset=utf8mb4', 'mysql+pymysql://u:***@h/db?charset=utf8mb4'],
    ['postgresql://:secret@h/db', 'postgresql://:***@h/db'],
    ['postgresql://u:@h/db', 'postgresql://u:***@h/db'],
    [
      'postgresql://u:secret@/db?host=/run/postgresql',
      'postgresql://u:***@/db?host=/run/postgresql',
    ],
  ])('%s → %s', (uri, redacted) => {
    expect(redactDbUri(uri)).toBe(redacted);
  });

  it.each([
    'postgresql://u@h/db',
    'postgresql://h:5432/db',
    'sqlite:////abs/path.db',
    'sqlite:///:memory:',
    'nonsense',
  ])('leaves %s without a password unchanged', (uri) => {
    expect(redactDbUri(uri)).toBe(uri);
  });

  it('hides every part of a password that contains a raw @ or /', () => {
    for (const uri of [
      'postgresql://u:se@cret@h/db',
      'postgresql://u:p@ss@w@rd@h:5432/db',
      'mysql://u:se/cret@h/db',
    ]) {
      const redacted = redactDbUri(uri);
      expect(redacted).not.toMatch(/cret|ss@w|rd@/);
      expect(redacted).toContain('***');
    }
  });
});

describe('isInMemorySqlite', () => {
  it.each(['sqlite://', 'sqlite:///', 'sqlite:///:memory:', 'sqlite+pysqlite:///:memory:?x=1'])(
    '%s is private to one process',
    (uri) => {
      expect(isInMemorySqlite(parseDbUri(uri))).toBe(true);
    },
  );

  it.each([
    'sqlite:////var/lib/automx2/db.sqlite',
    'sqlite:///relative.db',
    'sqlite:///memory.db',
    'postgresql://u@h/db',
    'mysql://u@h/memory',
  ])('%s can be shared', (uri) => {
    expect(isInMemorySqlite(parseDbUri(uri))).toBe(false);
  });
});
