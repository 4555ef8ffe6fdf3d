import { BadCursor } from '../admin/admin-store';
import { idAfter, idCursor, nameAfter, nameCursor } from './admin-cursor';

describe('admin list cursors', () => {
  it.each(['example.com', 'bücher.example', '😀.example', 'a%_\\!.example', 'x'.repeat(128)])(
    'round-trips the name %j in base64url',
    (name) => {
      const cursor = nameCursor(name);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(nameAfter(cursor)).toBe(name);
    },
  );

  it.each([1, 42, 2147483647])('round-trips the id %i', (id) => {
    expect(idAfter(idCursor(id))).toBe(id);
  });

  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['padded', `${b64('n:example.com')}=`],
    // 'n:ab' ends in 'g' (4 unused zero bits); 'h' decodes to the same bytes.
    ['a non-canonical spelling', b64('n:ab').replace(/g$/, 'h')],
    ['too long', 'A'.repeat(4096)],
    ['invalid UTF-8', Buffer.from([0x6e, 0x3a, 0xff, 0xfe]).toString('base64url')],
    [
      'an encoded lone surrogate',
      Buffer.from([0x6e, 0x3a, 0xed, 0xa0, 0x80]).toString('base64url'),
    ],
    ['untagged', b64('example.com')],
    ['an id cursor', idCursor(5)],
    ['an empty name', b64('n:')],
    ['a NUL', b64('n:a\0b')],
    ['spaces', ' bjpleGFtcGxlLmNvbQ '],
  ])('refuses %s as a name cursor', (_label, cursor) => {
    expect(() => nameAfter(cursor)).toThrow(BadCursor);
  });

  it.each([
    ['a name cursor', nameCursor('5')],
    ['zero', b64('i:0')],
    ['a negative id', b64('i:-1')],
    ['leading zeros', b64('i:05')],
    ['a fraction', b64('i:1.5')],
    ['above int32', b64('i:2147483648')],
    ['huge', b64(`i:${'9'.repeat(400)}`)],
    ['an exponent', b64('i:1e3')],
    ['not base64url', '%%%'],
  ])('refuses %s as an id cursor', (_label, cursor) => {
    expect(() => idAfter(cursor)).toThrow(BadCursor);
  });
});
