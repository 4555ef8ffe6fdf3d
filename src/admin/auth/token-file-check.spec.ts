import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from './token-file';
import { checkTokenFile } from './token-file-check';

describe(checkTokenFile.name, () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-token-check-'));
    path = join(dir, 'tokens.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const check = (tokensFile: string | null) =>
    checkTokenFile({
      sourceFile: '/etc/automx2.conf',
      admin: { tokensFile, importLimit: 1024, authFailures: 10 },
    });

  it('has nothing to say while the admin API is off or the file is good', async () => {
    expect(await check(null)).toEqual({ problems: [], warnings: [] });
    await createToken(path, 'ops');
    expect(await check(path)).toEqual({ problems: [], warnings: [] });
  });

  it('warns about a missing file: the server starts, accepting no token', async () => {
    expect(await check(path)).toEqual({
      problems: [],
      warnings: [
        `/etc/automx2.conf: admin_tokens_file = "${path}": does not exist yet; no admin token ` +
          'is accepted until "automx2-nest token create NAME" writes it',
      ],
    });
  });

  it('names the key, the file and the problem of a malformed or unusable one', async () => {
    writeFileSync(path, '{"version": 1, "tokens": [], "extra": true}');
    expect(await check(path)).toEqual({
      problems: [`/etc/automx2.conf: admin_tokens_file = "${path}": unknown field "extra"`],
      warnings: [],
    });
    expect(await check(dir)).toEqual({
      problems: [`/etc/automx2.conf: admin_tokens_file = "${dir}": not a regular file`],
      warnings: [],
    });
  });
});
