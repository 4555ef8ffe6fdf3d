import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseToken } from './admin-token';
import { createToken, listTokens, readTokenFile, revokeToken } from './token-file';
import { TokenFileError } from './token-file-format';
import { parseScryptHash, secretMatches } from './token-hash';

describe('token file', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-tokens-'));
    path = join(dir, 'tokens.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const modeOf = (file: string) => statSync(file).mode & 0o7777;

  it('creates the file owner-only and stores only a hash of the secret', async () => {
    const token = await createToken(path, 'ops');
    const parts = parseToken(token);
    expect(parts).not.toBeNull();
    expect(modeOf(path)).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(parts!.secret);
    expect(text).not.toContain(token);
    const [entry] = (JSON.parse(text) as { tokens: { id: string; hash: string }[] }).tokens;
    expect(entry?.id).toBe(parts!.id);
    await expect(secretMatches(parts!.secret, parseScryptHash(entry!.hash))).resolves.toBe(true);
    expect(await listTokens(path)).toEqual([
      { name: 'ops', created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
    ]);
  });

  it('keeps the mode of an existing file, whatever the umask', async () => {
    await createToken(path, 'first');
    chmodSync(path, 0o640);
    await createToken(path, 'second');
    expect(modeOf(path)).toBe(0o640);
    expect((await listTokens(path)).map((token) => token.name)).toEqual(['first', 'second']);
  });

  it('refuses a duplicate name and an invalid one, leaving the file as it was', async () => {
    await createToken(path, 'ops');
    const before = readFileSync(path, 'utf8');
    await expect(createToken(path, 'ops')).rejects.toThrow(
      `${path}: a token named "ops" exists already (revoke it first)`,
    );
    await expect(createToken(path, 'no spaces')).rejects.toThrow(/invalid token name/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('revokes by name; an unknown name changes nothing', async () => {
    await createToken(path, 'a');
    await createToken(path, 'b');
    expect(await revokeToken(path, 'a')).toBe(true);
    const after = readFileSync(path, 'utf8');
    const stat = statSync(path);
    expect(await revokeToken(path, 'a')).toBe(false);
    expect(await revokeToken(path, 'nobody')).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(after);
    expect(statSync(path).ino).toBe(stat.ino);
    expect((await listTokens(path)).map((token) => token.name)).toEqual(['b']);
  });

  it('reads a missing file as no tokens, and revoking from it creates nothing', async () => {
    expect(await listTokens(path)).toEqual([]);
    expect(await revokeToken(path, 'ops')).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to change a malformed file, saying why', async () => {
    writeFileSync(path, '{"version": 1, "tokens": {}}');
    await expect(createToken(path, 'ops')).rejects.toThrow(
      new TokenFileError('tokens: expected an array', path),
    );
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "tokens": {}}');
    writeFileSync(path, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await expect(listTokens(path)).rejects.toThrow(`${path}: not UTF-8 text`);
  });

  it('refuses what is not a regular file without waiting on it', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readTokenFile(fifo)).rejects.toThrow(`${fifo}: not a regular file`);
    const directory = join(dir, 'sub');
    mkdirSync(directory);
    await expect(readTokenFile(directory)).rejects.toThrow(`${directory}: not a regular file`);
    writeFileSync(path, Buffer.alloc(2 * 1024 * 1024, 0x20));
    await expect(readTokenFile(path)).rejects.toThrow(`${path}: larger than 1048576 bytes`);
  });

  it('replaces the file a symlink points to, keeping the link', async () => {
    const real = join(dir, 'real.json');
    await createToken(real, 'first');
    symlinkSync(real, path);
    await createToken(path, 'second');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect((await listTokens(real)).map((token) => token.name)).toEqual(['first', 'second']);
  });

  it('loses no change when commands run at once, and leaves no temporary files', async () => {
    const names = Array.from({ length: 6 }, (_, index) => `t${index}`);
    const tokens = await Promise.all(names.map((name) => createToken(path, name)));
    expect(new Set(tokens).size).toBe(names.length);
    expect((await listTokens(path)).map((token) => token.name).sort()).toEqual(names);
    expect(readdirSync(dir)).toEqual(['tokens.json']);
  });

  it('takes over a lock left by a command that died', async () => {
    const lock = `${path}.lock`;
    writeFileSync(lock, '12345\n');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    await createToken(path, 'ops');
    expect(readdirSync(dir)).toEqual(['tokens.json']);
  });

  it('says so when the directory cannot be written', async () => {
    await expect(createToken(join(dir, 'missing', 'tokens.json'), 'ops')).rejects.toThrow(
      /cannot create the lock file: no such file or directory/,
    );
  });
});
