import type { HttpRequest } from '../../common/http-request';
import { AdminError } from '../admin-error';
import {
  domainName,
  importMode,
  pageRequest,
  precondition,
  rowId,
  searchText,
} from './request-params';

const at = (url: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'GET',
  url,
  headers,
});

function refusal(call: () => unknown): AdminError {
  try {
    call();
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error('expected an AdminError');
}

describe(pageRequest.name, () => {
  it('defaults to 50 items from the start', () => {
    expect(pageRequest(at('/admin/api/v1/domains'))).toEqual({ limit: 50 });
  });

  it('reads limit and cursor, ignoring other parameters', () => {
    expect(pageRequest(at('/x?limit=500&cursor=abc%3D&x=1&x=2'))).toEqual({
      limit: 500,
      cursor: 'abc=',
    });
    expect(pageRequest(at('/x?limit=1'))).toEqual({ limit: 1 });
    expect(pageRequest(at('/x?limit=007'))).toEqual({ limit: 7 });
  });

  it.each(['0', '501', '-1', '1.5', '1e2', ' 5', 'ten', '', '0x10', '99999999999999999999'])(
    'refuses limit=%j with 400 naming the field',
    (limit) => {
      const error = refusal(() => pageRequest(at(`/x?limit=${encodeURIComponent(limit)}`)));
      expect(error.status).toBe(400);
      expect(error.options.problems?.[0]?.field).toBe('limit');
      expect(error.message).toBe('limit: must be an integer from 1 to 500');
    },
  );

  it('refuses a parameter given twice', () => {
    for (const url of [
      '/x?limit=5&limit=5',
      '/x?cursor=a&cursor=b',
      '/x?limit=5&cursor=a&limit=6',
    ]) {
      const error = refusal(() => pageRequest(at(url)));
      expect([error.status, error.message]).toEqual([
        400,
        expect.stringMatching(/: must be given once$/),
      ]);
    }
  });

  it('refuses an empty cursor', () => {
    expect(refusal(() => pageRequest(at('/x?cursor='))).options.problems?.[0]?.field).toBe(
      'cursor',
    );
  });
});

describe(searchText.name, () => {
  it('is the decoded text, or undefined when absent or empty', () => {
    expect(searchText(at('/x?search=b%C3%BCcher+x'))).toBe('bücher x');
    expect(searchText(at('/x?search=a%25%26b'))).toBe('a%&b');
    expect(searchText(at('/x?search='))).toBeUndefined();
    expect(searchText(at('/x'))).toBeUndefined();
  });
});

describe(importMode.name, () => {
  it('is merge or replace', () => {
    expect(importMode(at('/x?mode=merge'))).toBe('merge');
    expect(importMode(at('/x?mode=replace'))).toBe('replace');
  });

  it.each([
    '/x',
    '/x?mode=',
    '/x?mode=MERGE',
    '/x?mode=append',
    '/x?mode[]=merge',
    '/x?mode=merge&mode=replace',
    '/x?mode=merge&mode=merge',
  ])('refuses %s with 400 naming mode', (url) => {
    const error = refusal(() => importMode(at(url)));
    expect(error.status).toBe(400);
    expect(error.options.problems?.[0]?.field).toBe('mode');
  });
});

describe(domainName.name, () => {
  it('takes 1 to 253 characters (not bytes)', () => {
    expect(domainName('example.com')).toBe('example.com');
    expect(domainName('ü'.repeat(253))).toBe('ü'.repeat(253));
    expect(domainName('a'.repeat(253))).toHaveLength(253);
  });

  it.each([[''], [undefined], ['a'.repeat(254)], ['😀'.repeat(254)]])(
    'refuses %j with 400',
    (name) => {
      const error = refusal(() => domainName(name));
      expect([error.status, error.options.problems?.[0]?.field]).toEqual([400, 'name']);
    },
  );
});

describe(rowId.name, () => {
  it('takes positive 32-bit integers', () => {
    expect(rowId('1')).toBe(1);
    expect(rowId('2147483647')).toBe(2147483647);
  });

  it.each(['0', '-1', '01', '1.0', '1e3', 'abc', '', '2147483648', '99999999999', ' 1'])(
    'refuses %j with 400',
    (id) => {
      const error = refusal(() => rowId(id));
      expect([error.status, error.message]).toEqual([400, 'id: must be a positive integer']);
    },
  );
});

describe(precondition.name, () => {
  it('is empty without conditional headers', () => {
    expect(precondition(at('/x'))).toEqual({});
  });

  it('reads If-Match as its entity tags', () => {
    expect(precondition(at('/x', { 'if-match': '"a", W/"b"' }))).toEqual({
      ifMatch: ['"a"', 'W/"b"'],
    });
    expect(precondition(at('/x', { 'if-match': '*' }))).toEqual({ ifMatch: ['*'] });
    // Not an entity tag at all: nothing can match it (412 from the store).
    expect(precondition(at('/x', { 'if-match': 'abc' }))).toEqual({ ifMatch: [] });
  });

  it('reads If-None-Match: * only', () => {
    expect(precondition(at('/x', { 'if-none-match': '*' }))).toEqual({ ifNoneMatch: '*' });
    for (const value of ['"a"', '*, "a"', '']) {
      expect(refusal(() => precondition(at('/x', { 'if-none-match': value }))).status).toBe(400);
    }
  });

  it('passes both when both are sent', () => {
    expect(precondition(at('/x', { 'if-match': '"a"', 'if-none-match': '*' }))).toEqual({
      ifMatch: ['"a"'],
      ifNoneMatch: '*',
    });
  });
});
