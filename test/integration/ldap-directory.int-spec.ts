import { createServer, type Server, type Socket } from 'node:net';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from 'ldapts';
import { DomainError, type DomainErrorCode } from '../../src/common/domain-error';
import type { AppConfig, DirectoryConfig } from '../../src/config/app-config';
import { APP_CONFIG_NAMESPACE, AppConfigService } from '../../src/config/app-config.service';
import { loadConfig } from '../../src/config/load-config';
import { LdapDirectory } from '../../src/directory/ldap-directory.adapter';
import type { LdapServer } from '../../src/mail-settings/domain-settings';
import { describeWith } from '../support/services';
import { startSlapd, type SlapdInstance } from '../support/slapd';

/** Distinctive, so that a leak into a log line or an error cannot go unnoticed. */
const BIND_PASSWORD = 'ro-Zq7xK2pw';
const WRONG_PASSWORD = 'wrong-Vb9mT4pw';

/** Collects everything logged through Nest's Logger. */
class CollectingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log = (...args: unknown[]): void => this.add('log', args);
  error = (...args: unknown[]): void => this.add('error', args);
  warn = (...args: unknown[]): void => this.add('warn', args);
  debug = (...args: unknown[]): void => this.add('debug', args);
  verbose = (...args: unknown[]): void => this.add('verbose', args);
  fatal = (...args: unknown[]): void => this.add('fatal', args);

  of(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.text);
  }

  private add(level: string, args: unknown[]): void {
    this.lines.push({ level, text: args.map((arg) => String(arg)).join(' ') });
  }
}

const DEFAULTS: AppConfig = loadConfig({
  locator: { env: {}, home: '/nonexistent', exists: () => false },
}).config;

function configWith(directory: Partial<DirectoryConfig>): AppConfigService {
  const values: AppConfig = { ...DEFAULTS, directory: { ...DEFAULTS.directory, ...directory } };
  return new AppConfigService(new ConfigService({ [APP_CONFIG_NAMESPACE]: values }));
}

async function codeOf(promise: Promise<unknown>): Promise<DomainErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describeWith('slapd')(LdapDirectory.name, () => {
  let slapd: SlapdInstance;
  const logs = new CollectingLogger();
  const adapters: LdapDirectory[] = [];
  const fakeServers: Server[] = [];

  /** A new adapter; by default plain LDAP, no cache, test CA, generous timeouts. */
  function directory(overrides: Partial<DirectoryConfig> = {}): LdapDirectory {
    const adapter = new LdapDirectory(
      configWith({
        caFile: slapd.caFile,
        tlsVerify: true,
        startTls: false,
        connectTimeoutMs: 2000,
        timeoutMs: 3000,
        cacheTtlMs: 0,
        ...overrides,
      }),
    );
    adapters.push(adapter);
    return adapter;
  }

  function server(overrides: Partial<LdapServer> = {}): LdapServer {
    return {
      id: 1,
      name: '127.0.0.1',
      port: slapd.port,
      useSsl: false,
      searchBase: slapd.baseDn,
      searchFilter: '(mail={0})',
      attrUid: 'uid',
      attrCn: 'cn',
      bindUser: slapd.bindDn,
      bindPassword: slapd.bindPassword,
      ...overrides,
    };
  }

  /** A TCP server on a free port that treats each connection with `handler`. */
  async function fakeServer(handler: (socket: Socket) => void): Promise<number> {
    const fake = createServer(handler);
    fakeServers.push(fake);
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const address = fake.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  beforeAll(async () => {
    Logger.overrideLogger(logs);
    slapd = await startSlapd({ bindPassword: BIND_PASSWORD });
  });

  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.onApplicationShutdown()));
    for (const fake of fakeServers) fake.close();
    await slapd?.stop();
    Logger.overrideLogger(new ConsoleLogger());
    const everything = logs.lines.map((line) => line.text).join('\n');
    expect(everything).not.toContain(BIND_PASSWORD);
    expect(everything).not.toContain(WRONG_PASSWORD);
  });

  beforeEach(() => {
    logs.lines.length = 0;
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('lookup', () => {
    it('returns uid and cn of the matching entry', async () => {
      const ldap = directory();
      await expect(ldap.lookup('alice@example.com', server())).resolves.toEqual({
        uid: 'alice',
        cn: 'Alice Example',
      });
      // mail matching is case-insensitive in the directory
      await expect(ldap.lookup('ALICE@Example.COM', server())).resolves.toEqual({
        uid: 'alice',
        cn: 'Alice Example',
      });
    });

    it('returns only uid when attr_cn is not set', async () => {
      await expect(
        directory().lookup('alice@example.com', server({ attrCn: null })),
      ).resolves.toEqual({ uid: 'alice' });
    });

    it('resolves null when no entry matches', async () => {
      await expect(directory().lookup('nobody@example.com', server())).resolves.toBeNull();
    });

    it('takes the first value of multi-valued attributes', async () => {
      await expect(directory().lookup('bob@example.com', server())).resolves.toEqual({
        uid: 'bob',
        cn: 'Bob One',
      });
    });

    it('treats attribute names case-insensitively (as Active Directory answers them)', async () => {
      await expect(
        directory().lookup('alice@example.com', server({ attrUid: 'UID', attrCn: 'commonName' })),
      ).resolves.toEqual({ uid: 'alice', cn: 'Alice Example' });
    });

    it('a stored filter that does not parse is a data error, not an outage', async () => {
      await expect(
        codeOf(directory().lookup('alice@example.com', server({ searchFilter: '(mail={0}' }))),
      ).resolves.toBe('UNSUPPORTED_DATA');
    });
  });

  describe('filter injection', () => {
    it.each(['*)(uid=*', '*', 'alice@example.com)(|(uid=*', '*@example.com', 'alice@example.com)'])(
      '%j matches nobody',
      async (address) => {
        const ldap = directory();
        await expect(ldap.lookup(address, server())).resolves.toBeNull();
        await expect(
          ldap.lookup(
            address,
            server({ searchFilter: '(&(objectClass=inetOrgPerson)(mail={0}))' }),
          ),
        ).resolves.toBeNull();
      },
    );

    it('an address with metacharacters matches exactly its own entry', async () => {
      const ldap = directory();
      await expect(ldap.lookup('star*user@example.com', server())).resolves.toEqual({
        uid: 'star',
        cn: 'Star User',
      });
      await expect(ldap.lookup('star*@example.com', server())).resolves.toBeNull();
      await expect(ldap.lookup('star*', server())).resolves.toBeNull();
    });
  });

  describe('bind', () => {
    it('a wrong bind password is DIRECTORY_BIND_REFUSED, logged once, password never shown', async () => {
      const ldap = directory();
      const wrong = server({ bindPassword: WRONG_PASSWORD });
      const errors: unknown[] = [];
      for (let i = 0; i < 3; i += 1) {
        errors.push(await ldap.lookup('alice@example.com', wrong).catch((error: unknown) => error));
      }
      for (const error of errors) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('DIRECTORY_BIND_REFUSED');
        expect(JSON.stringify(error) + String(error)).not.toContain(WRONG_PASSWORD);
      }
      expect(logs.of('error')).toHaveLength(1);
      expect(logs.of('error')[0]).toMatch(/bind refused/);
      expect(logs.lines.map((line) => line.text).join('\n')).not.toContain(WRONG_PASSWORD);
    });

    it('a bind DN with an empty password (unauthenticated bind) is refused', async () => {
      await expect(
        codeOf(directory().lookup('alice@example.com', server({ bindPassword: null }))),
      ).resolves.toBe('DIRECTORY_BIND_REFUSED');
    });

    it('anonymous (no bind) sees only what the ACLs show anonymous users', async () => {
      const ldap = directory();
      const bindSpy = jest.spyOn(Client.prototype, 'bind');
      const anonymous = (searchBase: string): LdapServer =>
        server({ bindUser: null, bindPassword: '', searchBase });
      // slapd's ACL: anonymous may read ou=public only; people stay invisible
      await expect(
        ldap.lookup('carol@example.com', anonymous(`ou=public,${slapd.baseDn}`)),
      ).resolves.toEqual({ uid: 'carol', cn: 'Carol Public' });
      // the suffix itself is hidden from anonymous: slapd answers noSuchObject -> no entry
      await expect(ldap.lookup('carol@example.com', anonymous(slapd.baseDn))).resolves.toBeNull();
      await expect(
        ldap.lookup('alice@example.com', anonymous(`ou=people,${slapd.baseDn}`)),
      ).resolves.toBeNull();
      expect(bindSpy).not.toHaveBeenCalled();
      expect(logs.of('warn').join('\n')).toMatch(/search base .* does not exist/);
    });
  });

  describe('TLS', () => {
    const ldaps = (name = 'localhost'): LdapServer =>
      server({ useSsl: true, port: slapd.securePort, name });

    it('LDAPS with the test CA verifies the certificate (host name and IP address)', async () => {
      const ldap = directory();
      await expect(ldap.lookup('alice@example.com', ldaps('localhost'))).resolves.toEqual({
        uid: 'alice',
        cn: 'Alice Example',
      });
      await expect(ldap.lookup('alice@example.com', ldaps('127.0.0.1'))).resolves.toEqual({
        uid: 'alice',
        cn: 'Alice Example',
      });
    });

    it('LDAPS without the CA, or with an unrelated CA, is BACKEND_UNAVAILABLE', async () => {
      await expect(
        codeOf(directory({ caFile: null }).lookup('alice@example.com', ldaps())),
      ).resolves.toBe('BACKEND_UNAVAILABLE');
      await expect(
        codeOf(directory({ caFile: slapd.otherCaFile }).lookup('alice@example.com', ldaps())),
      ).resolves.toBe('BACKEND_UNAVAILABLE');
      expect(logs.of('error').join('\n')).toMatch(/unavailable \(.*(certificate|self.signed)/i);
    });

    it('LDAPS with tlsVerify off connects without a CA, after one warning', async () => {
      const ldap = directory({ caFile: null, tlsVerify: false });
      expect(logs.of('warn')).toEqual([expect.stringMatching(/ldap_tls_verify is off/)]);
      await expect(ldap.lookup('alice@example.com', ldaps())).resolves.toEqual({
        uid: 'alice',
        cn: 'Alice Example',
      });
      expect(logs.of('warn')).toHaveLength(1);
    });

    it('StartTLS upgrades the plain port, verifying the certificate', async () => {
      const startTls = jest.spyOn(Client.prototype, 'startTLS');
      await expect(
        directory({ startTls: true }).lookup('alice@example.com', server({ name: 'localhost' })),
      ).resolves.toEqual({ uid: 'alice', cn: 'Alice Example' });
      expect(startTls).toHaveBeenCalledTimes(1);
      await expect(
        codeOf(
          directory({ startTls: true, caFile: slapd.otherCaFile }).lookup(
            'alice@example.com',
            server({ name: 'localhost' }),
          ),
        ),
      ).resolves.toBe('BACKEND_UNAVAILABLE');
    });
  });

  describe('connections', () => {
    it('reuses one bound connection for sequential and concurrent lookups', async () => {
      const bind = jest.spyOn(Client.prototype, 'bind');
      const ldap = directory();
      for (let i = 0; i < 5; i += 1) {
        await expect(ldap.lookup('alice@example.com', server())).resolves.toEqual({
          uid: 'alice',
          cn: 'Alice Example',
        });
      }
      const expectedUid: Record<string, string | null> = {
        'alice@example.com': 'alice',
        'bob@example.com': 'bob',
        'carol@example.com': 'carol',
        'nobody@example.com': null,
        'star*user@example.com': 'star',
      };
      const addresses = Object.keys(expectedUid);
      const concurrent = Array.from(
        { length: 40 },
        (_, i) => addresses[i % addresses.length] ?? '',
      );
      const results = await Promise.all(
        concurrent.map((address) => ldap.lookup(address, server())),
      );
      expect(results.map((result) => result?.uid ?? null)).toEqual(
        concurrent.map((address) => expectedUid[address]),
      );
      expect(bind).toHaveBeenCalledTimes(1);
    });

    it('concurrent first lookups share the connection being opened', async () => {
      const bind = jest.spyOn(Client.prototype, 'bind');
      const ldap = directory();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => ldap.lookup('bob@example.com', server())),
      );
      expect(results).toEqual(Array.from({ length: 10 }, () => ({ uid: 'bob', cn: 'Bob One' })));
      expect(bind).toHaveBeenCalledTimes(1);
    });

    it('closes its connections on application shutdown', async () => {
      const unbind = jest.spyOn(Client.prototype, 'unbind');
      const ldap = directory();
      await ldap.lookup('alice@example.com', server());
      await ldap.lookup('alice@example.com', server({ id: 2 }));
      await ldap.onApplicationShutdown();
      expect(unbind).toHaveBeenCalledTimes(2);
    });
  });

  describe('outages', () => {
    it('a killed slapd is BACKEND_UNAVAILABLE (logged once); the same adapter recovers', async () => {
      const ldap = directory({ cacheTtlMs: 60_000 });
      await expect(ldap.lookup('alice@example.com', server())).resolves.toMatchObject({
        uid: 'alice',
      });
      await slapd.kill();
      try {
        for (let i = 0; i < 3; i += 1) {
          await expect(codeOf(ldap.lookup('bob@example.com', server()))).resolves.toBe(
            'BACKEND_UNAVAILABLE',
          );
        }
        expect(logs.of('error')).toHaveLength(1);
        expect(logs.of('error')[0]).toMatch(/unavailable/);
      } finally {
        await slapd.restart();
      }
      // the failures were not cached, and a new connection replaces the dead one
      await expect(ldap.lookup('bob@example.com', server())).resolves.toEqual({
        uid: 'bob',
        cn: 'Bob One',
      });
      await expect(ldap.lookup('nobody@example.com', server())).resolves.toBeNull();
      expect(logs.of('error')).toHaveLength(1);
      expect(logs.of('log')).toEqual([expect.stringMatching(/available again/)]);
    });

    it('replaces pooled connections the server closed while idle (plain and StartTLS)', async () => {
      const plain = directory();
      const startTls = directory({ startTls: true });
      const tlsServer = server({ name: 'localhost' });
      await expect(plain.lookup('alice@example.com', server())).resolves.toMatchObject({
        uid: 'alice',
      });
      await expect(startTls.lookup('alice@example.com', tlsServer)).resolves.toMatchObject({
        uid: 'alice',
      });
      await slapd.restart(); // closes every connection
      const bind = jest.spyOn(Client.prototype, 'bind');
      const started = Date.now();
      await expect(plain.lookup('bob@example.com', server())).resolves.toMatchObject({
        uid: 'bob',
      });
      await expect(startTls.lookup('bob@example.com', tlsServer)).resolves.toMatchObject({
        uid: 'bob',
      });
      expect(Date.now() - started).toBeLessThan(1000); // no operation timeout on a dead socket
      expect(bind).toHaveBeenCalledTimes(2); // each on a new, bound connection
      expect(logs.of('error')).toEqual([]);
    });

    it('a server that accepts TCP but never answers fails within the timeouts', async () => {
      const timeouts = { connectTimeoutMs: 1000, timeoutMs: 1000 };
      const pooled = directory(timeouts);
      await pooled.lookup('alice@example.com', server()); // a connection to reuse
      slapd.pause();
      try {
        for (const [ldap, target] of [
          [directory(timeouts), server()], // new connection: the bind never returns
          [pooled, server()], // pooled connection: the search never returns
          [directory(timeouts), server({ useSsl: true, port: slapd.securePort })], // no handshake
          [directory({ ...timeouts, startTls: true }), server()], // no StartTLS answer
        ] as const) {
          const started = Date.now();
          await expect(codeOf(ldap.lookup('bob@example.com', target))).resolves.toBe(
            'BACKEND_UNAVAILABLE',
          );
          // The whole lookup within ldap_timeout (1 s), not a timeout per step (which
          // took at least connect + operation timeout, 2 s, before).
          expect(Date.now() - started).toBeLessThan(1800);
        }
      } finally {
        slapd.resume();
      }
      await expect(pooled.lookup('bob@example.com', server())).resolves.toMatchObject({
        uid: 'bob',
      });
    });

    it('refused connections, garbage answers and hang-ups are BACKEND_UNAVAILABLE', async () => {
      const timeouts = { connectTimeoutMs: 500, timeoutMs: 500 };
      const garbage = await fakeServer((socket) => {
        socket.on('error', () => undefined);
        socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff\x30\x84'));
      });
      const hangUp = await fakeServer((socket) => socket.destroy());
      const closed = await fakeServer((socket) => socket.destroy());
      fakeServers.at(-1)?.close(); // nothing listens on `closed` any more
      for (const port of [garbage, hangUp, closed]) {
        const started = Date.now();
        await expect(
          codeOf(directory(timeouts).lookup('alice@example.com', server({ port }))),
        ).resolves.toBe('BACKEND_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(5000);
      }
      expect(logs.of('error').join('\n')).not.toContain(BIND_PASSWORD);
    });
  });

  describe('cache', () => {
    it('answers repeated lookups within the TTL without searching, matches and misses', async () => {
      const search = jest.spyOn(Client.prototype, 'search');
      const ldap = directory({ cacheTtlMs: 60_000 });
      await expect(ldap.lookup('alice@example.com', server())).resolves.toMatchObject({
        uid: 'alice',
      });
      await expect(ldap.lookup('nobody@example.com', server())).resolves.toBeNull();
      expect(search).toHaveBeenCalledTimes(2);
      slapd.pause(); // a search now would time out: the answers below come from the cache
      try {
        await expect(ldap.lookup('Alice@Example.com', server())).resolves.toMatchObject({
          uid: 'alice',
        });
        await expect(ldap.lookup('nobody@example.com', server())).resolves.toBeNull();
      } finally {
        slapd.resume();
      }
      expect(search).toHaveBeenCalledTimes(2);
    });

    it('expires entries after the TTL and keeps servers apart', async () => {
      const search = jest.spyOn(Client.prototype, 'search');
      const ldap = directory({ cacheTtlMs: 200 });
      await ldap.lookup('alice@example.com', server());
      await ldap.lookup('alice@example.com', server({ id: 2 }));
      expect(search).toHaveBeenCalledTimes(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await ldap.lookup('alice@example.com', server());
      expect(search).toHaveBeenCalledTimes(3);
    });

    it('concurrent lookups of one address share one search, even with the cache off', async () => {
      const ldap = directory({ cacheTtlMs: 0 });
      await ldap.lookup('carol@example.com', server()); // connection ready
      const search = jest.spyOn(Client.prototype, 'search');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => ldap.lookup('alice@example.com', server())),
      );
      expect(new Set(results.map((result) => result?.uid))).toEqual(new Set(['alice']));
      expect(search).toHaveBeenCalledTimes(1);
      await ldap.lookup('alice@example.com', server());
      expect(search).toHaveBeenCalledTimes(2);
    });
  });
});
