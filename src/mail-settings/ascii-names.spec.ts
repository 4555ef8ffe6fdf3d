import fc from 'fast-check';
import { asciiHostname, asciiUrl } from './ascii-names';

describe(asciiHostname.name, () => {
  it.each([
    ['imap.example.com', 'imap.example.com'],
    ['IMAP.Example.COM', 'IMAP.Example.COM'],
    ['imap.%EMAILDOMAIN%', 'imap.%EMAILDOMAIN%'],
    ['imap.bücher.example', 'imap.xn--bcher-kva.example'],
    ['münchen.example', 'xn--mnchen-3ya.example'],
    ['MÜNCHEN.example', 'xn--mnchen-3ya.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
  ])('%p → %p', (name, expected) => {
    expect(asciiHostname(name)).toBe(expected);
  });

  it('leaves a name that is no valid IDN as it is', () => {
    expect(asciiHostname('bad host ü')).toBe('bad host ü');
  });

  it('always gives ASCII for valid Unicode domain labels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-zäöüßéñ]{1,12}$/), { minLength: 1, maxLength: 4 }),
        (labels) => {
          const ascii = asciiHostname(labels.join('.'));
          expect(ascii).toMatch(/^[\x21-\x7e]+$/);
        },
      ),
    );
  });
});

describe(asciiUrl.name, () => {
  it.each([
    [
      'https://dav.example.com/calendars/%EMAILADDRESS%/',
      'https://dav.example.com/calendars/%EMAILADDRESS%/',
    ],
    ['http://carddav.example.com', 'http://carddav.example.com'],
    ['https://dav.bücher.example/', 'https://dav.xn--bcher-kva.example/'],
    ['https://dav.bücher.example:8443/x', 'https://dav.xn--bcher-kva.example:8443/x'],
    ['https://dav.example.com/~jürgen/', 'https://dav.example.com/~j%C3%BCrgen/'],
    [
      'https://dav.bücher.example/a@bücher.example/?q=ü#ü',
      'https://dav.xn--bcher-kva.example/a@b%C3%BCcher.example/?q=%C3%BC#%C3%BC',
    ],
    ['https://jürgen@dav.example.com/', 'https://j%C3%BCrgen@dav.example.com/'],
    ['dav.bücher.example/x', 'dav.b%C3%BCcher.example/x'],
  ])('%p → %p', (url, expected) => {
    expect(asciiUrl(url)).toBe(expected);
  });

  it('writes what the WHATWG URL parser writes for non-ASCII paths and hosts', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zäöü]{1,10}$/),
        fc.stringMatching(/^[a-z0-9äöü€😀/-]{0,20}$/u),
        (host, path) => {
          const url = `https://${host}.example/${path}`;
          expect(asciiUrl(url)).toBe(new URL(url).href);
        },
      ),
    );
  });
});
