import 'reflect-metadata';
import { DomainError } from '../../common/domain-error';
import { readImportDocument } from '../../provisioning/import-document';
import { documentText } from './document-text';

const refusal = (bytes: number[]) => {
  try {
    documentText(Buffer.from(bytes));
  } catch (error) {
    return error instanceof DomainError ? `${error.code}: ${error.message}` : error;
  }
  return 'accepted';
};

describe('documentText', () => {
  it('reads UTF-8, multi-byte characters included', () => {
    const text = '{"provider": "Bücher 😀", "domains": []}';
    expect(documentText(Buffer.from(text, 'utf8'))).toBe(text);
    expect(documentText(Buffer.alloc(0))).toBe('');
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut off at the end', [0x22, 0xe2, 0x82]],
    ['a byte never used in UTF-8', [0xff]],
    ['Latin-1 text', [...Buffer.from('{"provider": "B', 'latin1'), 0xfc, 0x22, 0x7d]],
  ])('refuses %s as the document problem, not repaired', (_, bytes) => {
    expect(refusal(bytes)).toBe('INVALID_SEED: document: not valid UTF-8');
  });

  it('keeps a byte order mark, which the JSON reader refuses as the CLI does', () => {
    const text = documentText(Buffer.from('\ufeff{}', 'utf8'));
    expect(text).toBe('\ufeff{}');
    expect(() => readImportDocument(text)).toThrow(/^document: not valid JSON/);
  });
});
