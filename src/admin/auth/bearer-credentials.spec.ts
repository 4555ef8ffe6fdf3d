import { readBearerCredentials } from './bearer-credentials';

describe(readBearerCredentials.name, () => {
  const token = 'amx2_0123456789abcdef_abcDEF-_0123456789abcdefghijklmnopqrstuvwxy';

  it.each([
    [`Bearer ${token}`],
    [`bearer ${token}`],
    [`BeArEr   ${token}`],
    [` Bearer ${token} `],
    [`Bearer\t${token}`],
  ])('reads %j', (header) => {
    expect(readBearerCredentials(header)).toEqual({ kind: 'token', token });
  });

  it.each([
    [undefined],
    [''],
    ['   '],
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    ['Bearer   '],
    ['Bearerx abc'],
    [[]],
  ])('finds no bearer token in %j', (header) => {
    expect(readBearerCredentials(header)).toEqual({ kind: 'none' });
  });

  it.each([
    ['Bearer a b'],
    ['Bearer a,b'],
    ['Bearer "abc"'],
    ['Bearer =abc'],
    ['Bearer ä'],
    [`Bearer ${'a'.repeat(513)}`],
    [['Bearer a', 'Bearer b']],
  ])('finds %j malformed', (header) => {
    expect(readBearerCredentials(header)).toEqual({ kind: 'malformed' });
  });

  it('accepts the b64token alphabet, padding included', () => {
    expect(readBearerCredentials('Bearer a-._~+/Z9==')).toEqual({
      kind: 'token',
      token: 'a-._~+/Z9==',
    });
  });
});
