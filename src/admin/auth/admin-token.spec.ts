import { generateToken, isTokenName, parseToken, TOKEN_PREFIX } from './admin-token';

describe('admin tokens', () => {
  it('are amx2_<hex id>_<32 random bytes, base64url>', () => {
    const fresh = generateToken();
    expect(fresh.token).toBe(`${TOKEN_PREFIX}${fresh.id}_${fresh.secret}`);
    expect(fresh.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(fresh.secret, 'base64url')).toHaveLength(32);
    expect(generateToken().token).not.toBe(fresh.token);
  });

  it('parse back into id and secret, also when the secret holds "_"', () => {
    const secret = `ab_cd-${'x'.repeat(37)}`;
    expect(parseToken(`amx2_0123456789abcdef_${secret}`)).toEqual({
      id: '0123456789abcdef',
      secret,
    });
    const fresh = generateToken();
    expect(parseToken(fresh.token)).toEqual({ id: fresh.id, secret: fresh.secret });
  });

  it.each([
    '',
    'amx2_',
    'amx2_0123456789abcdef',
    `amx3_0123456789abcdef_${'a'.repeat(43)}`,
    `amx2_0123456789ABCDEF_${'a'.repeat(43)}`,
    `amx2_0123456789abcdef_${'a'.repeat(10)}`,
    `amx2_0123456789abcdef_${'a'.repeat(500)}`,
    `amx2_0123456789abcdef_${'a'.repeat(42)}=`,
    ` amx2_0123456789abcdef_${'a'.repeat(43)}`,
  ])('refuse what is not shaped like a token: %j', (text) => {
    expect(parseToken(text)).toBeNull();
  });

  it('names are 1-64 characters of letters, digits, ".", "_" and "-"', () => {
    for (const name of ['ops', 'a', 'ci.deploy-2_x', 'x'.repeat(64), '__proto__']) {
      expect(isTokenName(name)).toBe(true);
    }
    for (const name of ['', 'x'.repeat(65), 'with space', 'ä', 'a/b', 'a\nb', 'a"b']) {
      expect(isTokenName(name)).toBe(false);
    }
  });
});
