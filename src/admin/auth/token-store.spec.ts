import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogRecord } from '../../common/log-record';
import { loadConfig } from '../../config/load-config';
import { UNCHANGED } from '../../reload/reloadable';
import { generateToken } from './admin-token';
import { createToken, revokeToken } from './token-file';
import { TokenFileError } from './token-file-format';
import { secretMatches, type ScryptHash } from './token-hash';
import { TokenStore, type TokenStoreOptions } from './token-store';
import { adminTokensReloadable } from './tokens.reloadable';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it is true; fails after `ms` (a hang guard, not a timing claim). */
async function eventually(what: string, probe: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}

interface Logged {
  readonly lines: string[];
  readonly log: NonNullable<TokenStoreOptions['log']>;
}

function logged(): Logged {
  const lines: string[] = [];
  const text = (message: unknown) =>
    message instanceof LogRecord ? message.text() : String(message);
  return {
    lines,
    log: {
      log: (message: unknown) => lines.push(`INFO ${text(message)}`),
      warn: (message: unknown) => lines.push(`WARNING ${text(message)}`),
    },
  };
}

/** The secret-checking function, recording which hash each call used. */
function countingMatches() {
  const calls: ScryptHash[] = [];
  return {
    calls,
    matches: (secret: string, hash: ScryptHash) => {
      calls.push(hash);
      return secretMatches(secret, hash);
    },
  };
}

describe(TokenStore.name, () => {
  let dir: string;
  let path: string;
  const stores: TokenStore[] = [];

  const open = async (options: TokenStoreOptions = {}, file = path) => {
    const store = await TokenStore.open(file, { log: logged().log, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-token-store-'));
    path = join(dir, 'tokens.json');
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('verify', () => {
    it('names the token of a right secret; refuses wrong, unknown and malformed ones', async () => {
      const ops = await createToken(path, 'ops');
      const ci = await createToken(path, 'ci');
      const store = await open();
      expect(store.size).toBe(2);
      await expect(store.verify(ops)).resolves.toBe('ops');
      await expect(store.verify(ci)).resolves.toBe('ci');
      const id = ops.split('_')[1]!;
      const wrongSecret = `amx2_${id}_${generateToken().secret}`;
      await expect(store.verify(wrongSecret)).resolves.toBeNull();
      await expect(store.verify(generateToken().token)).resolves.toBeNull();
      await expect(store.verify(`${ops}x`)).resolves.toBeNull();
      await expect(store.verify('')).resolves.toBeNull();
      await expect(store.verify(ops.toUpperCase())).resolves.toBeNull();
    });

    it('computes one scrypt against a dummy hash for an unknown id, none for garbage', async () => {
      const ops = await createToken(path, 'ops');
      const counted = countingMatches();
      const store = await open({ matches: counted.matches });
      const entryHash = JSON.parse(readFileSync(path, 'utf8')).tokens[0].hash as string;

      await expect(store.verify(generateToken().token)).resolves.toBeNull();
      expect(counted.calls).toHaveLength(1);
      const dummy = counted.calls[0]!;
      expect(entryHash).not.toContain(dummy.salt.toString('base64url'));
      // The same work as for a real token: the parameters new tokens get.
      expect(dummy.params).toEqual({ N: 2 ** 15, r: 8, p: 1 });
      expect(dummy.key).toHaveLength(32);

      await expect(store.verify(ops)).resolves.toBe('ops');
      expect(counted.calls).toHaveLength(2);
      expect(entryHash).toContain(counted.calls[1]!.salt.toString('base64url'));

      await expect(store.verify('not-a-token')).resolves.toBeNull();
      expect(counted.calls).toHaveLength(2);
    });

    it('remembers successes until the file changes; failures are checked every time', async () => {
      const ops = await createToken(path, 'ops');
      const counted = countingMatches();
      const store = await open({ matches: counted.matches });
      await store.verify(ops);
      await store.verify(ops);
      expect(counted.calls).toHaveLength(1);
      const unknown = generateToken().token;
      await store.verify(unknown);
      await store.verify(unknown);
      expect(counted.calls).toHaveLength(3);

      await createToken(path, 'other');
      expect(await store.refresh()).toEqual({ kind: 'reloaded', tokens: 2, missing: false });
      await expect(store.verify(ops)).resolves.toBe('ops');
      expect(counted.calls).toHaveLength(4);
    });

    it('shares one scrypt among concurrent requests with the same token', async () => {
      const ops = await createToken(path, 'ops');
      const counted = countingMatches();
      const store = await open({ matches: counted.matches });
      const names = await Promise.all(Array.from({ length: 8 }, () => store.verify(ops)));
      expect(names).toEqual(Array(8).fill('ops'));
      expect(counted.calls).toHaveLength(1);
    });

    it('refuses a token revoked while its verification was running', async () => {
      const ops = await createToken(path, 'ops');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const store = await open({
        matches: async (secret, hash) => {
          const result = await secretMatches(secret, hash);
          await gate;
          return result;
        },
      });
      const pending = store.verify(ops);
      await revokeToken(path, 'ops');
      expect(await store.refresh()).toMatchObject({ kind: 'reloaded', tokens: 0 });
      release();
      await expect(pending).resolves.toBeNull();
      await expect(store.verify(ops)).resolves.toBeNull();
    });
  });

  describe('loading', () => {
    it('starts with no tokens when the file is missing, and says so', async () => {
      const out = logged();
      const store = await open({ log: out.log });
      expect(store.size).toBe(0);
      expect(out.lines).toEqual([
        `INFO admin tokens: none in effect, ${path} does not exist (automx2-nest token create NAME)`,
      ]);
    });

    it('refuses a malformed file at start-up', async () => {
      writeFileSync(path, '{"version": 1, "tokens": [{"name": "ops"}]}');
      await expect(TokenStore.open(path)).rejects.toThrow(
        new TokenFileError('tokens[0].id: expected a string', path),
      );
    });

    it('picks up a new token and a revocation within 10 s, with the real 2 s check', async () => {
      const store = await open();
      const ops = await createToken(path, 'ops');
      await eventually(
        'the new token is accepted',
        async () => (await store.verify(ops)) === 'ops',
      );
      await revokeToken(path, 'ops');
      await eventually(
        'the revoked token is refused',
        async () => (await store.verify(ops)) === null,
      );
    }, 30_000);

    it('follows a Kubernetes-style symlink swap', async () => {
      // tokens.json -> ..data/tokens.json, ..data -> v1; the update swaps ..data to v2.
      const [v1, v2] = [join(dir, 'v1'), join(dir, 'v2')];
      mkdirSync(v1);
      mkdirSync(v2);
      const first = await createToken(join(v1, 'tokens.json'), 'first');
      const second = await createToken(join(v2, 'tokens.json'), 'second');
      symlinkSync('v1', join(dir, '..data'));
      const link = join(dir, 'secret.json');
      symlinkSync(join('..data', 'tokens.json'), link);
      const store = await open({}, link);
      await expect(store.verify(first)).resolves.toBe('first');
      symlinkSync('v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await eventually(
        'the swapped file is read',
        async () => (await store.verify(second)) === 'second',
      );
      await expect(store.verify(first)).resolves.toBeNull();
    }, 30_000);

    it('keeps the last good tokens when the file turns bad, warning once', async () => {
      const ops = await createToken(path, 'ops');
      const out = logged();
      const store = await open({ log: out.log, pollMs: 50 });
      writeFileSync(path, '{"version": 1, "tokens": [');
      await eventually('the warning', () => Promise.resolve(out.lines.length > 1));
      await sleep(500);
      expect(out.lines.slice(1)).toEqual([
        `WARNING admin_tokens_file ${path}: not valid JSON; the 1 tokens read before stay in effect`,
      ]);
      await expect(store.verify(ops)).resolves.toBe('ops');

      const repaired = join(dir, 'repaired.json');
      await createToken(repaired, 'ci');
      renameSync(repaired, path);
      await eventually(
        'the repaired file',
        async () => store.size === 1 && (await store.verify(ops)) === null,
      );
      expect(out.lines.slice(2)).toEqual([`INFO admin tokens: 1 in effect from ${path}`]);
    }, 30_000);

    it('treats a file removed later as no tokens', async () => {
      const ops = await createToken(path, 'ops');
      const store = await open();
      rmSync(path);
      expect(await store.refresh()).toEqual({ kind: 'reloaded', tokens: 0, missing: true });
      await expect(store.verify(ops)).resolves.toBeNull();
      expect(await store.refresh()).toEqual({ kind: 'unchanged' });
    });

    it('stops checking when the module is destroyed', async () => {
      const out = logged();
      const store = await open({ log: out.log, pollMs: 20 });
      store.onModuleDestroy();
      await createToken(path, 'ops');
      await sleep(300);
      expect(out.lines).toHaveLength(1);
      expect(store.size).toBe(0);
    });
  });

  describe('SIGHUP (the reloadable)', () => {
    const config = loadConfig({
      locator: { env: {}, home: '/nonexistent', exists: () => false },
    }).config;

    it('re-reads at once and says what is in effect', async () => {
      const store = await open({ pollMs: 3_600_000 });
      const reloadable = adminTokensReloadable(store);
      expect(reloadable.apply(config)).toEqual(UNCHANGED);
      const ops = await createToken(path, 'ops');
      expect(reloadable.apply(config)).toEqual({
        kind: 'changed',
        message: `admin tokens: 1 in effect from ${path}`,
      });
      await expect(store.verify(ops)).resolves.toBe('ops');
      expect(reloadable.apply(config)).toEqual(UNCHANGED);
    });

    it('keeps the tokens in effect when the file is bad, saying why', async () => {
      const ops = await createToken(path, 'ops');
      const store = await open({ pollMs: 3_600_000 });
      writeFileSync(path, JSON.stringify({ version: 1, tokens: 'none' }));
      expect(adminTokensReloadable(store).apply(config)).toEqual({
        kind: 'kept',
        reason: `admin_tokens_file ${path}: tokens: expected an array; the 1 tokens read before stay in effect`,
      });
      await expect(store.verify(ops)).resolves.toBe('ops');
    });
  });
});
