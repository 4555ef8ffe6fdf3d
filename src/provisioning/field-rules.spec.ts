import fc from 'fast-check';
import { isServicePort, portProblem, textProblem } from './field-rules';

describe(portProblem.name, () => {
  it.each([1, 25, 443, 993, 65535])('accepts %i for every kind', (port) => {
    expect(portProblem(port, 'service')).toBeUndefined();
    expect(portProblem(port, 'dav')).toBeUndefined();
    expect(isServicePort(port)).toBe(true);
  });

  it('accepts 0 ("not set") for DAV servers only', () => {
    expect(portProblem(0, 'dav')).toBeUndefined();
    expect(portProblem(0, 'service')).toBe('must be a port number from 1 to 65535');
    expect(isServicePort(0)).toBe(false);
  });

  it.each([-1, 65536, 1.5, 2 ** 31, -(2 ** 31), Number.NaN, Infinity])('refuses %p', (port) => {
    expect(portProblem(port, 'service')).toBe('must be a port number from 1 to 65535');
    expect(portProblem(port, 'dav')).toBe('must be a port number from 1 to 65535, or 0 for none');
    expect(isServicePort(port)).toBe(false);
  });
});

describe(textProblem.name, () => {
  it.each([
    ['ASCII', 'imap.example.com'],
    ['the empty text', ''],
    ['an IDN', 'bücher.example'],
    ['an A-label', 'xn--bcher-kva.example'],
    ['an astral character (a surrogate pair)', 'Mail 😀'],
    ['U+00A0 (after the C1 controls)', 'a\u00a0b'],
    ['U+FFFD', '\ufffd'],
    ['U+10FFFF', '\u{10ffff}'],
    ['a host name that is not one', 'not a host_name!'],
    ['a placeholder', '%EMAILLOCALPART%'],
  ])('accepts %s', (_label, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it.each(
    [
      ['\u0000', 'control characters (found U+0000)'],
      ['\u0001', 'control characters (found U+0001)'],
      ['\t', 'control characters (found U+0009)'],
      ['\n', 'control characters (found U+000A)'],
      ['\r', 'control characters (found U+000D)'],
      ['\u001f', 'control characters (found U+001F)'],
      ['\u007f', 'control characters (found U+007F)'],
      ['\u0080', 'control characters (found U+0080)'],
      ['\u0085', 'control characters (found U+0085)'],
      ['\u009f', 'control characters (found U+009F)'],
      ['\ud800', 'lone surrogates (found U+D800)'],
      ['\udfff', 'lone surrogates (found U+DFFF)'],
      ['\ud83d', 'lone surrogates (found U+D83D)'],
      ['\ude00\ud83d', 'lone surrogates (found U+DE00)'],
      ['\ufffe', 'the non-characters U+FFFE and U+FFFF (found U+FFFE)'],
      ['\uffff', 'the non-characters U+FFFE and U+FFFF (found U+FFFF)'],
    ].map(([bad, problem]) => [codePoints(bad ?? ''), bad ?? '', problem ?? ''] as const),
  )('refuses %s anywhere in the text', (_label, bad, problem) => {
    for (const text of [bad, `a${bad}`, `${bad}b`, `😀${bad}bücher`]) {
      expect(textProblem(text)).toBe(`must not contain ${problem}`);
    }
  });

  it('names the first such character', () => {
    expect(textProblem('a\u0002b\ud800')).toBe(
      'must not contain control characters (found U+0002)',
    );
  });

  it('does not name the character of a secret', () => {
    expect(textProblem('pass\u0001word', { secret: true })).toBe(
      'must not contain control characters',
    );
    expect(textProblem('pass\ud800', { secret: true })).toBe('must not contain lone surrogates');
    expect(textProblem('password', { secret: true })).toBeUndefined();
  });

  it('accepts exactly the texts that are well-formed and free of controls and U+FFFE/U+FFFF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        const wellFormed = encodeURIComponentOrNull(text) !== null;
        const clean = [...text].every((char) => {
          const code = char.codePointAt(0) ?? 0;
          return code > 0x9f || (code >= 0x20 && code < 0x7f);
        });
        const noNonCharacter = !text.includes('\ufffe') && !text.includes('\uffff');
        expect(textProblem(text) === undefined).toBe(wellFormed && clean && noNonCharacter);
      }),
      { numRuns: 2000 },
    );
  });
});

/** `U+0041 U+D800`: a label for test names. */
function codePoints(text: string): string {
  return [...text]
    .map((char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
    .join(' ');
}

/** encodeURIComponent throws on a lone surrogate: an independent well-formedness check. */
function encodeURIComponentOrNull(text: string): string | null {
  try {
    return encodeURIComponent(text);
  } catch {
    return null;
  }
}
