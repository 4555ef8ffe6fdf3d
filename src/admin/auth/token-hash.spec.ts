import {
  DEFAULT_SCRYPT_PARAMS,
  formatScryptHash,
  hashSecret,
  parseScryptHash,
  secretMatches,
} from './token-hash';

describe('token hashes', () => {
  it('writes scrypt with its parameters, a 16-byte salt and a 32-byte key', async () => {
    const text = formatScryptHash(await hashSecret('s3cret'));
    expect(text).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(text).not.toContain('s3cret');
    expect(parseScryptHash(text).params).toEqual(DEFAULT_SCRYPT_PARAMS);
  });

  it('salts each hash: the same secret twice gives two hashes', async () => {
    const [a, b] = await Promise.all([hashSecret('same'), hashSecret('same')]);
    expect(formatScryptHash(a)).not.toBe(formatScryptHash(b));
  });

  it('matches the secret it was made from and nothing else', async () => {
    const hash = parseScryptHash(formatScryptHash(await hashSecret('right')));
    await expect(secretMatches('right', hash)).resolves.toBe(true);
    await expect(secretMatches('wrong', hash)).resolves.toBe(false);
    await expect(secretMatches('righ', hash)).resolves.toBe(false);
    await expect(secretMatches('', hash)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the hash, not the defaults', async () => {
    const cheap = await hashSecret('x', { N: 1024, r: 1, p: 1 });
    const text = formatScryptHash(cheap);
    expect(text).toMatch(/^scrypt\$N=1024,r=1,p=1\$/);
    await expect(secretMatches('x', parseScryptHash(text))).resolves.toBe(true);
  });

  it.each([
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['no key', 'scrypt$N=32768,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA'],
    ['N not a power of two', `scrypt$N=30000,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['N too small', `scrypt$N=16,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['memory beyond 64 MiB', `scrypt$N=1048576,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['p too large', `scrypt$N=32768,r=8,p=99$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['r zero', `scrypt$N=32768,r=0,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['a short salt', `scrypt$N=32768,r=8,p=1$AAAA$${'A'.repeat(43)}`],
    ['a huge key', `scrypt$N=32768,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(400)}`],
    ['not base64url', `scrypt$N=32768,r=8,p=1$${'A'.repeat(21)}=$${'A'.repeat(43)}`],
    ['trailing text', `scrypt$N=32768,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}$x`],
  ])('refuses %s without quoting the hash', (_case, text) => {
    expect(() => parseScryptHash(text)).toThrow(/^scrypt|^not an scrypt hash/);
    try {
      parseScryptHash(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('AAAA');
    }
  });
});
