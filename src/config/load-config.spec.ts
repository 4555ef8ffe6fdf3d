import { CONFIG_KEYS } from './config-keys';
import {
  CLEARTEXT_OPT_IN,
  ConfigProblems,
  DEFAULT_DB_URI,
  loadConfig,
  type CommandLineOverrides,
  type LoadedConfig,
} from './load-config';

const HOME = '/home/someone';
const ENV_FILE = '/srv/automx2/custom.conf';
const USER_FILE = '/home/someone/.automx2.conf';
const ETC_DIR_FILE = '/etc/automx2/automx2.conf';
const ETC_FILE = '/etc/automx2.conf';

interface Setup {
  /** path → content of the files that exist. */
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: CommandLineOverrides;
}

/** loadConfig on an in-memory file system; nothing under /etc or $HOME is read. */
function load({ files = {}, env = {}, overrides }: Setup = {}): LoadedConfig {
  return loadConfig({
    locator: { env, home: HOME, exists: (path) => path in files },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    overrides,
  });
}

/** The configuration from one file at /etc/automx2/automx2.conf. */
const fromIni = (text: string, env: NodeJS.ProcessEnv = {}) =>
  load({ files: { [ETC_DIR_FILE]: text }, env });

const section = (...lines: string[]) => ['[automx2]', ...lines, ''].join('\n');

/** The problem lines of a configuration that must be refused. */
function problemsOf(setup: Setup): readonly string[] {
  try {
    load(setup);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe(loadConfig.name, () => {
  describe('locating the file', () => {
    const marker = (level: string) => section(`loglevel = ${level}`);

    it.each([
      ['AUTOMX2_CONF', [ENV_FILE, USER_FILE, ETC_DIR_FILE, ETC_FILE], ENV_FILE, 'DEBUG'],
      ['~/.automx2.conf', [USER_FILE, ETC_DIR_FILE, ETC_FILE], USER_FILE, 'INFO'],
      ['/etc/automx2/automx2.conf', [ETC_DIR_FILE, ETC_FILE], ETC_DIR_FILE, 'ERROR'],
      ['/etc/automx2.conf', [ETC_FILE], ETC_FILE, 'CRITICAL'],
    ] as const)('reads %s first', (_label, existing, expectedFile, level) => {
      const levels: Record<string, string> = {
        [ENV_FILE]: 'DEBUG',
        [USER_FILE]: 'INFO',
        [ETC_DIR_FILE]: 'ERROR',
        [ETC_FILE]: 'CRITICAL',
      };
      const files = Object.fromEntries(existing.map((path) => [path, marker(levels[path]!)]));
      // AUTOMX2_CONF is set only where the file it names exists (else it is a problem).
      const env = expectedFile === ENV_FILE ? { AUTOMX2_CONF: ENV_FILE } : {};
      const { config } = load({ files, env });
      expect(config.sourceFile).toBe(expectedFile);
      expect(config.loglevel).toBe(level);
    });

    it('refuses a file named by AUTOMX2_CONF that does not exist, naming it, instead of falling back', () => {
      expect(
        problemsOf({
          files: { [ETC_FILE]: marker('ERROR') },
          env: { AUTOMX2_CONF: '/nowhere.conf' },
        }),
      ).toEqual(['/nowhere.conf: cannot read (named by AUTOMX2_CONF): ENOENT: /nowhere.conf']);
    });

    it('reports a missing AUTOMX2_CONF file with the other problems, without the path twice', () => {
      const problems = (() => {
        try {
          loadConfig({
            locator: {
              env: { AUTOMX2_CONF: '/nowhere.conf', AUTOMX2_DB_URI: 'x' },
              home: HOME,
              exists: () => true,
            },
            readFile: () => {
              throw Object.assign(
                new Error("ENOENT: no such file or directory, open '/nowhere.conf'"),
                { code: 'ENOENT' },
              );
            },
          });
        } catch (error) {
          return error instanceof ConfigProblems ? error.problems : [];
        }
        return [];
      })();
      expect(problems).toEqual([
        '/nowhere.conf: cannot read (named by AUTOMX2_CONF): ENOENT: no such file or directory',
        expect.stringMatching(/^environment: AUTOMX2_DB_URI = "x": /),
      ]);
    });

    it('takes an empty AUTOMX2_CONF as unset', () => {
      const { config } = load({
        files: { [ETC_FILE]: marker('ERROR') },
        env: { AUTOMX2_CONF: '' },
      });
      expect(config.sourceFile).toBe(ETC_FILE);
    });

    it('reports an unreadable file as a problem naming it', () => {
      const problems = (() => {
        try {
          loadConfig({
            locator: { env: {}, home: HOME, exists: (path) => path === ETC_FILE },
            readFile: () => {
              throw new Error('EACCES: permission denied');
            },
          });
        } catch (error) {
          return error instanceof ConfigProblems ? error.problems : [];
        }
        return [];
      })();
      expect(problems).toEqual([`${ETC_FILE}: cannot read: EACCES: permission denied`]);
    });
  });

  describe('defaults', () => {
    it('uses the defaults of BEHAVIOUR.md §10 without a file', () => {
      const { config, warnings } = load();
      expect(warnings).toEqual([]);
      expect(config).toMatchObject({
        sourceFile: null,
        loglevel: 'WARNING',
        logFormat: 'text',
        dbUri: 'sqlite:///:memory:',
        database: { type: 'sqlite', database: ':memory:' },
        dbEcho: false,
        proxyCount: 0,
        host: '127.0.0.1',
        port: 4243,
        httpAdapter: 'fastify',
        bodyLimit: 65536,
        autodiscoverUrl: null,
        permitCleartextPasswords: false,
        sampleLdapServer: null,
        workers: 1,
        directory: {
          caFile: null,
          tlsVerify: true,
          startTls: false,
          connectTimeoutMs: 2000,
          timeoutMs: 3000,
          noMatch: '204',
        },
      });
      expect(DEFAULT_DB_URI).toBe('sqlite:///:memory:');
    });

    it('uses the defaults for an empty [automx2] section', () => {
      const { config, warnings } = fromIni('[automx2]\n');
      expect(warnings).toEqual([]);
      expect(config.sourceFile).toBe(ETC_DIR_FILE);
      expect({ ...config, sourceFile: null }).toEqual(load().config);
    });

    it('gives the live checks of the doctor the system resolver, port 443 and 3 s', () => {
      expect(load().config.doctor).toEqual({
        dnsServers: null,
        caFile: null,
        httpsPort: 443,
        timeoutMs: 3000,
      });
    });

    describe('the admin token file', () => {
      /** The home directory exists (a key of `files` is an existing path). */
      const withHome = (files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) =>
        load({ files: { [HOME]: '', ...files }, env });

      it('is ~/.automx2-admin-tokens.json without any configuration file, as `token create` writes it', () => {
        expect(withHome().config.admin.tokensFile).toBe(`${HOME}/.automx2-admin-tokens.json`);
        expect(withHome({}, { AUTOMX2_DB_URI: 'sqlite:////tmp/a.db' }).config.admin).toEqual({
          tokensFile: `${HOME}/.automx2-admin-tokens.json`,
          importLimit: 16 * 1024 * 1024,
          authFailures: 10,
        });
      });

      it('is unset (the API is off) when a configuration file lacks admin_tokens_file', () => {
        expect(withHome({ [ETC_FILE]: section() }).config.admin.tokensFile).toBeNull();
        expect(withHome({ [USER_FILE]: section('loglevel = INFO') }).config.admin.tokensFile).toBe(
          null,
        );
      });

      it('is the configured one when the file sets admin_tokens_file', () => {
        const file = section('admin_tokens_file = /etc/automx2/tokens.json');
        expect(withHome({ [ETC_FILE]: file }).config.admin.tokensFile).toBe(
          '/etc/automx2/tokens.json',
        );
      });

      it('is unset when AUTOMX2_CONF names a file (even one that cannot be read)', () => {
        const named = { AUTOMX2_CONF: ENV_FILE };
        expect(withHome({ [ENV_FILE]: section() }, named).config.admin.tokensFile).toBeNull();
      });

      it('is unset without a home directory', () => {
        expect(load().config.admin.tokensFile).toBeNull();
        // os.homedir() failed: the locator's home is empty (and '' is no directory to use).
        const homeless = loadConfig({
          locator: { env: {}, home: '', exists: (path) => path === '' },
        });
        expect(homeless.config.sourceFile).toBeNull();
        expect(homeless.config.admin.tokensFile).toBeNull();
      });
    });

    it('warns and uses the defaults when the file has no [automx2] section', () => {
      const { config, warnings } = fromIni('[other]\nloglevel = DEBUG\n');
      expect(config.loglevel).toBe('WARNING');
      expect(warnings).toEqual([`${ETC_DIR_FILE}: no [automx2] section, using defaults`]);
    });
  });

  describe('keys', () => {
    /** A valid raw value for every key, and what it must become. */
    const EXAMPLES: Record<
      keyof typeof CONFIG_KEYS,
      [string, (loaded: LoadedConfig) => unknown, unknown]
    > = {
      loglevel: ['debug', ({ config }) => config.loglevel, 'DEBUG'],
      log_format: ['JSON', ({ config }) => config.logFormat, 'json'],
      db_uri: [
        'postgresql+psycopg2://automx2:pw@db.example.com:5433/automx2',
        ({ config }) => [config.dbUri, config.database.type],
        ['postgresql+psycopg2://automx2:pw@db.example.com:5433/automx2', 'postgres'],
      ],
      db_echo: ['yes', ({ config }) => config.dbEcho, true],
      proxy_count: ['2', ({ config }) => config.proxyCount, 2],
      trusted_proxies: [
        '10.0.0.0/8, 192.0.2.7  fd00::/8,,2001:db8::1 ::ffff:198.51.100.1',
        ({ config }) => config.trustedProxies,
        ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '2001:db8::1', '::ffff:198.51.100.1'],
      ],
      initdb: ['Off', ({ config }) => config.initdb, 'off'],
      host: ['0.0.0.0', ({ config }) => config.host, '0.0.0.0'],
      port: ['8080', ({ config }) => config.port, 8080],
      http_adapter: ['Express', ({ config }) => config.httpAdapter, 'express'],
      body_limit: ['1048576', ({ config }) => config.bodyLimit, 1048576],
      autodiscover_url: [
        'https://mail.example.com/autodiscover/autodiscover.xml',
        ({ config }) => config.autodiscoverUrl,
        'https://mail.example.com/autodiscover/autodiscover.xml',
      ],
      ldap_ca_file: [__filename, ({ config }) => config.directory.caFile, __filename],
      ldap_tls_verify: ['no', ({ config }) => config.directory.tlsVerify, false],
      ldap_starttls: ['on', ({ config }) => config.directory.startTls, true],
      ldap_connect_timeout: ['1.5', ({ config }) => config.directory.connectTimeoutMs, 1500],
      ldap_timeout: ['10', ({ config }) => config.directory.timeoutMs, 10000],
      ldap_cache_ttl: ['0', ({ config }) => config.directory.cacheTtlMs, 0],
      ldap_no_match: ['generic', ({ config }) => config.directory.noMatch, 'generic'],
      mobileconfig_sign_cert: [
        '/etc/automx2/sign.crt',
        ({ config }) => config.mobileconfigSigning?.certFile,
        '/etc/automx2/sign.crt',
      ],
      mobileconfig_sign_key: [
        '/etc/automx2/sign.key',
        ({ config }) => config.mobileconfigSigning?.keyFile,
        '/etc/automx2/sign.key',
      ],
      mobileconfig_sign_chain: [
        '/etc/automx2/chain.pem',
        ({ config }) => config.mobileconfigSigning?.chainFile,
        '/etc/automx2/chain.pem',
      ],
      cache_ttl: ['2.5', ({ config }) => config.settingsCache.ttlMs, 2500],
      cache_max_entries: ['500', ({ config }) => config.settingsCache.maxEntries, 500],
      cache_max_bytes: ['1048576', ({ config }) => config.settingsCache.maxBytes, 1048576],
      rate_limit: ['30', ({ config }) => config.rateLimit.limit, 30],
      rate_limit_window: ['90', ({ config }) => config.rateLimit.windowMs, 90_000],
      rate_limit_loopback: ['yes', ({ config }) => config.rateLimit.loopback, true],
      workers: ['4', ({ config }) => config.workers, 4],
      admin_tokens_file: [
        '/etc/automx2/admin-tokens.json',
        ({ config }) => config.admin.tokensFile,
        '/etc/automx2/admin-tokens.json',
      ],
      admin_import_limit: ['1048576', ({ config }) => config.admin.importLimit, 1048576],
      admin_auth_failures: ['5', ({ config }) => config.admin.authFailures, 5],
      doctor_dns_servers: [
        '192.0.2.53, 192.0.2.54:5353  2001:db8::53,[2001:db8::54]:53 [2001:db8::55]',
        ({ config }) => config.doctor.dnsServers,
        ['192.0.2.53', '192.0.2.54:5353', '2001:db8::53', '[2001:db8::54]:53', '2001:db8::55'],
      ],
      doctor_ca_file: [__filename, ({ config }) => config.doctor.caFile, __filename],
      doctor_https_port: ['8443', ({ config }) => config.doctor.httpsPort, 8443],
      doctor_timeout: ['0.5', ({ config }) => config.doctor.timeoutMs, 500],
    };

    it('has an example for every key it reads', () => {
      expect(Object.keys(EXAMPLES).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    });

    it('parses every key in one file', () => {
      const loaded = fromIni(
        section(...Object.entries(EXAMPLES).map(([key, [raw]]) => `${key} = ${raw}`)),
      );
      expect(loaded.warnings).toEqual([]);
      for (const [key, [, read, expected]] of Object.entries(EXAMPLES)) {
        expect({ key, value: read(loaded) }).toEqual({ key, value: expected });
      }
    });

    it.each(Object.keys(EXAMPLES))('parses %s on its own', (key) => {
      const example = EXAMPLES[key as keyof typeof EXAMPLES];
      const [raw, read, expected] = example;
      // Signing needs the certificate and the key together; workers a shared database.
      const partner =
        key === 'workers'
          ? ['db_uri = sqlite:////var/lib/automx2/db.sqlite']
          : key === 'trusted_proxies'
            ? ['proxy_count = 1']
            : key === 'mobileconfig_sign_cert'
              ? ['mobileconfig_sign_key = /k.pem']
              : key.startsWith('mobileconfig_sign_')
                ? [
                    'mobileconfig_sign_cert = /c.pem',
                    ...(key === 'mobileconfig_sign_chain'
                      ? ['mobileconfig_sign_key = /k.pem']
                      : []),
                  ]
                : [];
      expect(read(fromIni(section(`${key} = ${raw}`, ...partner)))).toEqual(expected);
    });

    it.each([
      ['DEBUG', 'DEBUG'],
      ['info', 'INFO'],
      ['Warning', 'WARNING'],
      ['ERROR', 'ERROR'],
      ['critical', 'CRITICAL'],
    ])('accepts loglevel %s in any case', (raw, level) => {
      expect(fromIni(section(`loglevel = ${raw}`)).config.loglevel).toBe(level);
    });

    it.each([
      ['1', true],
      ['yes', true],
      ['YES', true],
      ['true', true],
      ['True', true],
      ['on', true],
      ['On', true],
      ['0', false],
      ['no', false],
      ['No', false],
      ['false', false],
      ['FALSE', false],
      ['off', false],
      ['OFF', false],
    ])('reads the configparser boolean %j as %p', (raw, value) => {
      const { config } = fromIni(section(`db_echo = ${raw}`, `ldap_tls_verify = ${raw}`));
      expect(config.dbEcho).toBe(value);
      expect(config.directory.tlsVerify).toBe(value);
    });

    it('reads %% as a literal %', () => {
      const { config } = fromIni(
        section(
          'db_uri = postgresql://u:p%%40ss%%25@h/db',
          'autodiscover_url = https://mail.example.com/a%%20b',
        ),
      );
      expect(config.dbUri).toBe('postgresql://u:p%40ss%25@h/db');
      expect(config.database).toMatchObject({ password: 'p@ss%' });
      expect(config.autodiscoverUrl).toBe('https://mail.example.com/a%20b');
    });

    it('names db_uri, without the password, for a % that is not an escape (INI and environment alike)', () => {
      const fromFile = problemsOf({
        files: { [ETC_FILE]: section('db_uri = postgresql://u:Hunter2%%Secret@h/db') },
      });
      const fromEnv = problemsOf({ env: { AUTOMX2_DB_URI: 'postgresql://u:Hunter2%Secret@h/db' } });
      for (const problems of [fromFile, fromEnv]) {
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/db_uri|AUTOMX2_DB_URI/);
        expect(problems[0]).toContain('malformed percent-encoding in the password');
        expect(problems[0]).not.toMatch(/Hunter2|Secret/);
      }
    });

    it('warns about an unknown key and still loads', () => {
      const { config, warnings } = fromIni(section('loglevel = INFO', 'colour = blue'));
      expect(config.loglevel).toBe('INFO');
      expect(warnings).toEqual([`${ETC_DIR_FILE}: unknown key "colour" in [automx2] ignored`]);
    });

    it('ignores other sections', () => {
      const { config, warnings } = fromIni(
        `[other]\nport = oops\n${section('port = 5000')}[more]\nloglevel = LOUD\n`,
      );
      expect(config.port).toBe(5000);
      expect(warnings).toEqual([]);
    });

    it('defaults to initdb = loopback and no trusted proxies', () => {
      expect(load().config).toMatchObject({ initdb: 'loopback', trustedProxies: [] });
    });

    it('refuses trusted_proxies without proxy_count: no header would be read', () => {
      expect(problemsOf({ files: { [ETC_FILE]: section('trusted_proxies = 10.0.0.1') } })).toEqual([
        `${ETC_FILE}: trusted_proxies is set but proxy_count is 0, so no forwarded header ` +
          'would be read: set proxy_count to the number of proxies in front of the service',
      ]);
    });

    it('warns when proxy_count trusts every peer (no trusted_proxies), and not otherwise', () => {
      expect(fromIni(section('proxy_count = 1')).warnings).toEqual([
        `${ETC_DIR_FILE}: proxy_count = 1 without trusted_proxies: X-Forwarded-For is ` +
          "believed from every peer; set trusted_proxies to the proxies' addresses",
      ]);
      expect(fromIni(section('proxy_count = 1', 'trusted_proxies = 127.0.0.1')).warnings).toEqual(
        [],
      );
      expect(fromIni(section('proxy_count = 0')).warnings).toEqual([]);
    });

    it('lets --host and --port win over the file', () => {
      const files = { [ETC_FILE]: section('host = 0.0.0.0', 'port = 8080') };
      expect(load({ files, overrides: { host: '::1', port: 0 } }).config).toMatchObject({
        host: '::1',
        port: 0,
      });
      expect(load({ files, overrides: { port: 9000 } }).config).toMatchObject({
        host: '0.0.0.0',
        port: 9000,
      });
    });
  });

  describe('INI syntax as configparser reads it', () => {
    it('takes `key: value`, any case of key, spaces around the delimiter', () => {
      const { config, warnings } = fromIni(
        section(
          'LogLevel: debug',
          'PROXY_COUNT=3',
          'Trusted_Proxies = 10.0.0.1',
          'port   =   8081  ',
          'Host :: 1',
        ),
      );
      expect(warnings).toEqual([]);
      expect(config).toMatchObject({ loglevel: 'DEBUG', proxyCount: 3, port: 8081, host: ': 1' });
    });

    it('keeps # and ; inside a value (only whole-line comments exist)', () => {
      const text = [
        '# a comment',
        '; another comment',
        '[automx2]',
        '  # an indented comment',
        'db_uri = sqlite:////var/lib/automx2#1/db;x.sqlite',
        '',
      ].join('\n');
      expect(fromIni(text).config.database).toEqual({
        type: 'sqlite',
        database: '/var/lib/automx2#1/db;x.sqlite',
      });
      const password = fromIni(section('db_uri = mysql+pymysql://automx2:pa;ss@db.example.com/a'));
      expect(password.config.database).toMatchObject({ password: 'pa;ss', host: 'db.example.com' });
    });

    it('treats an inline comment as part of the value, as configparser does', () => {
      expect(problemsOf({ files: { [ETC_FILE]: section('loglevel = INFO ; chatty') } })).toEqual([
        `${ETC_FILE}: loglevel = "INFO ; chatty": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL`,
      ]);
    });

    it('reads CRLF line ends, a byte-order mark and [DEFAULT] values', () => {
      const { config } = fromIni(
        '\uFEFF[DEFAULT]\r\nproxy_count = 1\r\n[automx2]\r\nloglevel = INFO\r\n',
      );
      expect(config).toMatchObject({ loglevel: 'INFO', proxyCount: 1 });
      const own = fromIni('[DEFAULT]\nproxy_count = 1\n[automx2]\nproxy_count = 2\n');
      expect(own.config.proxyCount).toBe(2);
    });

    it('joins indented continuation lines to the value', () => {
      expect(problemsOf({ files: { [ETC_FILE]: section('loglevel = INFO', '  DEBUG') } })).toEqual([
        `${ETC_FILE}: loglevel = "INFO\\nDEBUG": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL`,
      ]);
    });
  });

  describe('bad values', () => {
    it('reports every bad value together, one line per key naming file, key and value', () => {
      const problems = problemsOf({
        files: {
          [USER_FILE]: section(
            'loglevel = LOUD',
            'proxy_count = x',
            'db_uri = oracle://scott:tiger@h/db',
            'port = 70000',
            'http_adapter = koa',
            'db_echo = maybe',
            'log_format = xml',
            'body_limit = 0',
            'autodiscover_url = ftp://x',
            'ldap_timeout = soon',
            'ldap_no_match = 404',
            'host =',
          ),
        },
      });
      expect(problems).toEqual([
        `${USER_FILE}: loglevel = "LOUD": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL`,
        `${USER_FILE}: proxy_count = "x": expected an integer from 0 to 100`,
        `${USER_FILE}: db_uri = "oracle://scott:***@h/db": unsupported database "oracle" (sqlite, postgresql, mysql)`,
        `${USER_FILE}: port = "70000": expected an integer from 0 to 65535`,
        `${USER_FILE}: http_adapter = "koa": expected one of fastify, express`,
        `${USER_FILE}: db_echo = "maybe": expected one of 1, yes, true, on, 0, no, false, off`,
        `${USER_FILE}: log_format = "xml": expected one of text, json`,
        expect.stringMatching(new RegExp(`^${USER_FILE}: body_limit = "0": expected an integer`)),
        `${USER_FILE}: autodiscover_url = "ftp://x": expected an absolute http(s) URL`,
        expect.stringMatching(new RegExp(`^${USER_FILE}: ldap_timeout = "soon": expected`)),
        `${USER_FILE}: ldap_no_match = "404": expected one of 204, generic`,
        `${USER_FILE}: host = "": expected a host name or address`,
      ]);
    });

    it.each([
      ['proxy_count', '-1'],
      ['proxy_count', '1.5'],
      ['proxy_count', '101'],
      ['port', 'http'],
      ['port', '-1'],
      ['port', '65536'],
      ['port', ''],
      ['db_uri', 'nonsense'],
      ['db_uri', 'postgresql://h'],
      ['db_uri', 'postgresql://h:0/db'],
      ['db_uri', 'sqlite://relative.db'],
      ['http_adapter', 'fastify2'],
      ['loglevel', 'TRACE'],
      ['initdb', 'yes'],
      ['initdb', 'remote'],
      ['trusted_proxies', 'proxy.example.com'],
      ['trusted_proxies', '10.0.0.0/33'],
      ['trusted_proxies', '2001:db8::/129'],
      ['trusted_proxies', '10.0.0.1, 10.0.0.0/-1'],
      ['trusted_proxies', '10.0.0.0/08'],
      ['trusted_proxies', 'fe80::1%eth0'],
      ['trusted_proxies', '[::1]'],
      ['trusted_proxies', '10.0.0.1/8/8'],
      ['doctor_dns_servers', 'dns.example.com'],
      ['doctor_dns_servers', '192.0.2.53:0'],
      ['doctor_dns_servers', '192.0.2.53:65536'],
      ['doctor_dns_servers', '192.0.2.53:53:53'],
      ['doctor_dns_servers', '2001:db8::53:53:53:53:53:53'],
      ['doctor_dns_servers', '[192.0.2.53]:53'],
      ['doctor_dns_servers', '[2001:db8::53]:x'],
      ['doctor_dns_servers', ', ,'],
      ['doctor_ca_file', '/nonexistent/ca.pem'],
      ['doctor_https_port', '0'],
      ['doctor_https_port', '65536'],
      ['doctor_timeout', '0'],
      ['doctor_timeout', '61'],
      ['doctor_timeout', '3s'],
    ])('refuses %s = %j', (key, raw) => {
      const partner = key === 'trusted_proxies' ? ['proxy_count = 1'] : [];
      const problems = problemsOf({
        files: { [ETC_FILE]: section(`${key} = ${raw}`, ...partner) },
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`${ETC_FILE}: ${key} = ${JSON.stringify(raw)}: `);
    });

    it('never shows a db_uri password in a problem line', () => {
      for (const uri of [
        'oracle://admin:Hunter2Secret@h/db',
        'postgresql://admin:Hunter2Secret@h',
        'postgresql://admin:Hunter2Secret@h:0/db',
        'mysql://admin:Hunter2Secret@h:99999/db',
        'postgresql://admin:Hunter2%%Secret@h',
        'postgresql://admin:Hunter2@Secret@h:0/db',
      ]) {
        const problems = problemsOf({ files: { [ETC_FILE]: section(`db_uri = ${uri}`) } });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`${ETC_FILE}: db_uri = `);
        expect(problems[0]).not.toMatch(/Hunter2|Secret/);
      }
    });

    it('names the environment for a bad AUTOMX2_DB_URI, without its password', () => {
      const problems = problemsOf({
        env: { AUTOMX2_DB_URI: 'oracle://admin:Hunter2Secret@h/db' },
      });
      expect(problems).toEqual([
        'environment: AUTOMX2_DB_URI = "oracle://admin:***@h/db": unsupported database "oracle" (sqlite, postgresql, mysql)',
      ]);
    });

    it('reports file and environment problems together', () => {
      const problems = problemsOf({
        files: { [ETC_FILE]: section('loglevel = LOUD') },
        env: { AUTOMX2_DB_URI: 'nonsense', LDAP_HOSTNAME: 'ldap', LDAP_PORT: 'ldaps' },
      });
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/^\/etc\/automx2\.conf: loglevel = "LOUD"/);
      expect(problems[1]).toMatch(/^environment: AUTOMX2_DB_URI = "nonsense"/);
      expect(problems[2]).toMatch(/^environment: LDAP_PORT = "ldaps"/);
    });

    it('ConfigProblems carries the warnings found alongside (an unknown key next to a bad value)', () => {
      try {
        load({ files: { [ETC_FILE]: section('loglevel = LOUD', 'loglevl = DEBUG') } });
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigProblems);
        expect((error as ConfigProblems).warnings).toEqual([
          `${ETC_FILE}: unknown key "loglevl" in [automx2] ignored`,
        ]);
      }
    });

    it('ConfigProblems carries the lines as its message too', () => {
      try {
        load({ files: { [ETC_FILE]: section('loglevel = LOUD', 'port = x') } });
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigProblems);
        expect((error as ConfigProblems).message.split('\n')).toHaveLength(2);
      }
    });
  });

  describe('workers', () => {
    const FILE_DB = 'db_uri = sqlite:////var/lib/automx2/db.sqlite';

    it.each(['1', '2', '64', ' 8 '])('accepts workers = %j with a shared database', (raw) => {
      expect(fromIni(section(`workers = ${raw}`, FILE_DB)).config.workers).toBe(Number(raw));
    });

    it.each(['0', '65', '-1', '1.5', 'auto', '2x', ''])('refuses workers = %j', (raw) => {
      const problems = problemsOf({
        files: { [ETC_FILE]: section(`workers = ${raw}`, FILE_DB) },
      });
      expect(problems).toEqual([
        `${ETC_FILE}: workers = ${JSON.stringify(raw)}: expected an integer from 1 to 64`,
      ]);
    });

    it.each([
      ['without db_uri (the default)', [] as string[], {}],
      ['with db_uri = sqlite:///:memory:', ['db_uri = sqlite:///:memory:'], {}],
      ['with db_uri = sqlite://', ['db_uri = sqlite://'], {}],
      [
        'with AUTOMX2_DB_URI in memory over a file db_uri',
        [FILE_DB],
        { AUTOMX2_DB_URI: 'sqlite://' },
      ],
    ] as const)(
      'refuses workers > 1 with an in-memory SQLite database %s',
      (_label, lines, env) => {
        const problems = problemsOf({
          files: { [ETC_FILE]: section('workers = 2', ...lines) },
          env: { ...env },
        });
        expect(problems).toEqual([
          `${ETC_FILE}: workers = "2": each worker would have its own, empty in-memory SQLite ` +
            'database; set db_uri (or AUTOMX2_DB_URI) to a SQLite file or a database server, ' +
            'or use workers = 1',
        ]);
      },
    );

    it.each([
      ['a SQLite file', [FILE_DB], {}],
      ['a relative SQLite file', ['db_uri = sqlite:///automx2.db'], {}],
      ['PostgreSQL', ['db_uri = postgresql://automx2@db/automx2'], {}],
      ['MariaDB from AUTOMX2_DB_URI', [], { AUTOMX2_DB_URI: 'mariadb://root@db/automx2' }],
    ] as const)('accepts workers > 1 with %s', (_label, lines, env) => {
      const { config } = load({
        files: { [ETC_FILE]: section('workers = 3', ...lines) },
        env: { ...env },
      });
      expect(config.workers).toBe(3);
    });

    it('keeps an in-memory database with workers = 1', () => {
      const { config } = fromIni(section('workers = 1', 'db_uri = sqlite:///:memory:'));
      expect(config.workers).toBe(1);
      expect(config.database).toEqual({ type: 'sqlite', database: ':memory:' });
    });

    it('reports only the db_uri problem when db_uri itself is refused', () => {
      const problems = problemsOf({
        files: { [ETC_FILE]: section('workers = 2', 'db_uri = nonsense') },
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^\/etc\/automx2\.conf: db_uri = "nonsense": /);
    });
  });

  describe('environment', () => {
    it('AUTOMX2_DB_URI overrides db_uri', () => {
      const { config } = fromIni(section('db_uri = sqlite:////var/lib/automx2/db.sqlite'), {
        AUTOMX2_DB_URI: 'mysql+pymysql://u:p@h/automx2?charset=utf8mb4',
      });
      expect(config.dbUri).toBe('mysql+pymysql://u:p@h/automx2?charset=utf8mb4');
      expect(config.database).toMatchObject({ type: 'mysql', database: 'automx2' });
    });

    it('AUTOMX2_DB_URI is used without a file, and an empty one is ignored', () => {
      expect(load({ env: { AUTOMX2_DB_URI: 'sqlite:////tmp/x.db' } }).config.database).toEqual({
        type: 'sqlite',
        database: '/tmp/x.db',
      });
      expect(load({ env: { AUTOMX2_DB_URI: '' } }).config.dbUri).toBe(DEFAULT_DB_URI);
    });

    it('a bad db_uri in the file still counts when AUTOMX2_DB_URI is good', () => {
      const problems = problemsOf({
        files: { [ETC_FILE]: section('db_uri = nonsense') },
        env: { AUTOMX2_DB_URI: 'sqlite://' },
      });
      expect(problems).toEqual([expect.stringMatching(/^\/etc\/automx2\.conf: db_uri = /)]);
    });

    it('builds the sample LDAP server from LDAP_* when LDAP_HOSTNAME is set', () => {
      const { config } = load({
        env: {
          LDAP_HOSTNAME: 'ldap.example.com',
          LDAP_PORT: '389',
          LDAP_SEARCH_BASE: 'ou=people,dc=example,dc=org',
          LDAP_BIND_USER: 'cn=reader,dc=example,dc=org',
          LDAP_BIND_PASSWORD: 'secret',
        },
      });
      expect(config.sampleLdapServer).toEqual({
        hostname: 'ldap.example.com',
        port: 389,
        searchBase: 'ou=people,dc=example,dc=org',
        bindUser: 'cn=reader,dc=example,dc=org',
        bindPassword: 'secret',
      });
    });

    it('gives the sample LDAP server port 636 and dc=example,dc=com by default', () => {
      expect(load({ env: { LDAP_HOSTNAME: 'ldap' } }).config.sampleLdapServer).toEqual({
        hostname: 'ldap',
        port: 636,
        searchBase: 'dc=example,dc=com',
        bindUser: null,
        bindPassword: null,
      });
    });

    it('has no sample LDAP server without LDAP_HOSTNAME', () => {
      expect(
        load({ env: { LDAP_PORT: '389', LDAP_BIND_USER: 'x' } }).config.sampleLdapServer,
      ).toBeNull();
    });

    it('refuses a bad LDAP_PORT', () => {
      expect(problemsOf({ env: { LDAP_HOSTNAME: 'ldap', LDAP_PORT: '0' } })).toEqual([
        'environment: LDAP_PORT = "0": expected an integer from 1 to 65535',
      ]);
    });

    it.each([
      [CLEARTEXT_OPT_IN, true],
      ['yes', false],
      ['i_understand_the_risks', false],
      ['', false],
    ])('PERMIT_CLEARTEXT_PASSWORDS=%j gives %p', (value, permitted) => {
      expect(
        load({ env: { PERMIT_CLEARTEXT_PASSWORDS: value } }).config.permitCleartextPasswords,
      ).toBe(permitted);
    });
  });
});
