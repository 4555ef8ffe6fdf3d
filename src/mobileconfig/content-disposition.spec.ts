import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { contentDispositionFilename } from './content-disposition';

describe('contentDispositionFilename', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['müller.example', 'xn--mller-kva.example'],
    ['xn--mller-kva.example', 'xn--mller-kva.example'],
    ['MÜLLER.Example', 'xn--mller-kva.example'],
    ['sub-domain.example.org', 'sub-domain.example.org'],
    ['example.com.', 'example.com'],
    ['  example.com ', 'example.com'],
  ])('names %p %p.mobileconfig', (domain, filename) => {
    expect(contentDispositionFilename(domain)).toBe(
      `attachment; filename="${filename}.mobileconfig"`,
    );
  });

  it.each([
    ['a quote', 'evil".com', 'evil.com'],
    ['CR LF header injection', 'a.com\r\nSet-Cookie: x=1', 'a.comset-cookiex1'],
    ['path separators', '../../etc/passwd', 'etcpasswd'],
    ['leading dots', '...hidden', 'hidden'],
    ['nothing usable', '"";\u0000', 'profile'],
    ['an empty domain', '', 'profile'],
  ])('drops unsafe characters (%s)', (_case, domain, filename) => {
    expect(contentDispositionFilename(domain)).toBe(
      `attachment; filename="${filename}.mobileconfig"`,
    );
  });

  it('always gives an ASCII value that Node accepts as a header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (domain) => {
        const value = contentDispositionFilename(domain);
        expect(value).toMatch(/^attachment; filename="[A-Za-z0-9-][A-Za-z0-9.-]*\.mobileconfig"$/);
        expect(() => validateHeaderValue('Content-Disposition', value)).not.toThrow();
      }),
    );
  });
});
