import fc from 'fast-check';
import {
  createdAt,
  MAX_TOKEN_FILE_BYTES,
  parseTokenFile,
  serialiseTokenFile,
  TokenFileError,
  type TokenEntry,
} from './token-file-format';

/** A well-formed hash (cheap parameters; the format allows them). */
const HASH = `scrypt$N=1024,r=1,p=1$${'A'.repeat(22)}$${'B'.repeat(43)}`;

const entry = (name: string, id: string): TokenEntry => ({
  name,
  id,
  hash: HASH,
  created: '2026-12-02T08:00:00Z',
});

const file = (tokens: unknown, extra: object = {}) =>
  JSON.stringify({ version: 1, tokens, ...extra });

/** The message a text is refused with. */
function refusal(text: string): string {
  try {
    parseTokenFile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenFileError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('token file format', () => {
  it('round-trips entries in their order, as readable JSON', () => {
    const entries = [entry('ops', '0123456789abcdef'), entry('ci', 'fedcba9876543210')];
    const text = serialiseTokenFile(entries);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ version: 1, tokens: entries });
    expect(parseTokenFile(text).map(({ name, id }) => [name, id])).toEqual([
      ['ops', '0123456789abcdef'],
      ['ci', 'fedcba9876543210'],
    ]);
  });

  it('accepts an empty list, and a name "__proto__" as a plain name', () => {
    expect(parseTokenFile(file([]))).toEqual([]);
    const [token] = parseTokenFile(file([entry('__proto__', '0123456789abcdef')]));
    expect(token?.name).toBe('__proto__');
    expect(Object.getPrototypeOf(token)).toBe(Object.prototype);
  });

  it('writes creation times in whole UTC seconds', () => {
    expect(createdAt(new Date('2026-12-02T08:00:00.789Z'))).toBe('2026-12-02T08:00:00Z');
  });

  it.each([
    ['not JSON', '{"version": 1, "tokens": [', 'not valid JSON'],
    ['empty', '', 'not valid JSON'],
    ['JSON that is not an object', '[1, 2]', 'expected a JSON object'],
    ['null', 'null', 'expected a JSON object'],
    ['another version', JSON.stringify({ version: 2, tokens: [] }), 'version: expected 1'],
    ['version as text', JSON.stringify({ version: '1', tokens: [] }), 'version: expected 1'],
    ['no tokens', JSON.stringify({ version: 1 }), 'tokens: expected an array'],
    [
      'tokens an object',
      file({ ops: entry('ops', '0123456789abcdef') }),
      'tokens: expected an array',
    ],
    ['an entry that is a string', file(['amx2_x']), 'tokens[0]: expected an object'],
    ['an entry that is null', file([null]), 'tokens[0]: expected an object'],
    [
      'a name of the wrong type',
      file([{ ...entry('ops', '0123456789abcdef'), name: 7 }]),
      'tokens[0].name: expected a string',
    ],
    [
      'a missing hash',
      file([{ name: 'ops', id: '0123456789abcdef', created: '2026-12-02T08:00:00Z' }]),
      'tokens[0].hash: expected a string',
    ],
    [
      'a bad name',
      file([entry('has space', '0123456789abcdef')]),
      'tokens[0].name: expected 1–64 characters',
    ],
    ['a bad id', file([entry('ops', 'XYZ')]), 'tokens[0].id: expected 8–64 hex digits'],
    [
      'a bad time',
      file([{ ...entry('ops', '0123456789abcdef'), created: 'yesterday' }]),
      'tokens[0].created: expected a UTC time',
    ],
    [
      'an impossible time',
      file([{ ...entry('ops', '0123456789abcdef'), created: '2026-13-45T08:00:00Z' }]),
      'tokens[0].created: expected a UTC time',
    ],
    [
      'a hash of another scheme',
      file([{ ...entry('ops', '0123456789abcdef'), hash: 'plain' }]),
      'tokens[0].hash: not an scrypt hash',
    ],
    [
      'duplicate names',
      file([entry('ops', '0123456789abcdef'), entry('ops', 'fedcba9876543210')]),
      'tokens[1].name: "ops" appears twice',
    ],
    [
      'duplicate ids',
      file([entry('ops', '0123456789abcdef'), entry('ci', '0123456789abcdef')]),
      'tokens[1].id: appears twice',
    ],
    [
      'an unknown entry field',
      file([{ ...entry('ops', '0123456789abcdef'), token: 'amx2_…' }]),
      'tokens[0]: unknown field "token"',
    ],
    ['an unknown top-level field', file([], { comment: 'x' }), 'unknown field "comment"'],
    [
      'a "__proto__" key at the top',
      '{"version": 1, "tokens": [], "__proto__": {"polluted": true}}',
      'unknown field "__proto__"',
    ],
    [
      'a "__proto__" key in an entry',
      file([{ ...entry('ops', '0123456789abcdef') }]).replace(
        '"name"',
        '"__proto__":{"x":1},"name"',
      ),
      'tokens[0]: unknown field "__proto__"',
    ],
  ])('refuses %s', (_case, text, message) => {
    expect(refusal(text)).toContain(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a huge file before parsing it', () => {
    const huge = file(
      Array.from({ length: 7000 }, (_, i) => entry(`t${i}`, `${i}`.padStart(16, '0'))),
    );
    expect(huge.length).toBeGreaterThan(MAX_TOKEN_FILE_BYTES);
    expect(refusal(huge)).toMatch(/^larger than 1048576 bytes/);
  });

  it('refuses deep nesting and long keys without crashing or echoing them', () => {
    expect(refusal('['.repeat(500_000))).toBe('not valid JSON');
    expect(refusal(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe('expected a JSON object');
    const key = `${'k'.repeat(10_000)}`;
    const message = refusal(JSON.stringify({ version: 1, tokens: [], [key]: 1 }));
    expect(message.length).toBeLessThan(80);
  });

  it('never quotes a hash in its messages', () => {
    const secretish = `scrypt$N=1024,r=1,p=1$${'S'.repeat(22)}$${'K'.repeat(400)}`;
    const message = refusal(file([{ ...entry('ops', '0123456789abcdef'), hash: secretish }]));
    expect(message).not.toContain('SSSS');
    expect(message).not.toContain('KKKK');
    expect(refusal(`{"version":1,"tokens":[{"hash":"${HASH}"`)).toBe('not valid JSON');
  });

  it('refuses any other text or JSON value with a TokenFileError, never anything else', () => {
    const refusesCleanly = (text: string) => {
      try {
        parseTokenFile(text);
      } catch (error) {
        return error instanceof TokenFileError && !error.message.includes('\n');
      }
      return true;
    };
    fc.assert(fc.property(fc.string(), refusesCleanly), { numRuns: 500 });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => refusesCleanly(JSON.stringify(value) ?? '')),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), (tokens) =>
        refusesCleanly(file(tokens)),
      ),
      { numRuns: 300 },
    );
  });
});
