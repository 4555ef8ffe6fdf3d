import type { HttpRequest } from '../../common/http-request';
import { AdminError } from '../admin-error';
import { readJsonBody, requireJsonBody } from './json-body';

const request = (contentType: string | undefined, body: Buffer | string): HttpRequest => ({
  method: 'PUT',
  url: '/admin/api/v1/domains/example.com',
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

/** The AdminError a call throws (fails the test when it throws nothing else). */
function refusal(call: () => unknown): AdminError {
  try {
    call();
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error('expected an AdminError');
}

describe(readJsonBody.name, () => {
  it('parses an application/json body', () => {
    expect(readJsonBody(request('application/json', '{"a":[1,null]}'), 100)).toEqual({
      a: [1, null],
    });
    expect(readJsonBody(request('Application/JSON; charset=UTF-8', '"x"'), 100)).toBe('x');
  });

  it.each([
    [undefined],
    ['text/plain'],
    ['application/xml'],
    ['application/json-patch+json'],
    ['multipart/form-data; boundary=x'],
    ['application/json; charset=latin1'],
  ])('refuses Content-Type %j with 415', (type) => {
    const error = refusal(() => readJsonBody(request(type, '{}'), 100));
    expect(error.status).toBe(415);
    expect(error.message.length).toBeLessThan(60);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['truncated', '{"a":'],
    ['trailing garbage', '{} x'],
    ['single quotes', "{'a':1}"],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
  ])('refuses a %s body with 400 "malformed JSON"', (_label, body) => {
    const error = refusal(() => readJsonBody(request('application/json', body), 100));
    expect([error.status, error.message]).toEqual([400, 'malformed JSON']);
  });

  it('refuses a body beyond the limit with 413', () => {
    const error = refusal(() => readJsonBody(request('application/json', '"12345"'), 6));
    expect(error.status).toBe(413);
    expect(readJsonBody(request('application/json', '"1234"'), 6)).toBe('1234');
  });

  it('drops __proto__ members at every depth, so nothing reaches a prototype', () => {
    const parsed = readJsonBody(
      request(
        'application/json',
        '{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":2},"b":1},"c":[{"__proto__":null}]}',
      ),
      1000,
    ) as Record<string, unknown>;
    expect(parsed).toEqual({ a: { b: 1 }, c: [{}] });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
    const merged = { ...parsed, ...(parsed.a as object) } as Record<string, unknown>;
    expect(merged.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps other members named like Object properties as plain data', () => {
    expect(
      readJsonBody(request('application/json', '{"constructor":1,"toString":2}'), 100),
    ).toEqual({ constructor: 1, toString: 2 });
  });
});

describe(requireJsonBody.name, () => {
  it('accepts application/json whatever its case and UTF-8 charset spelling', () => {
    for (const type of [
      'application/json',
      'APPLICATION/JSON',
      'application/json;charset="utf8"',
    ]) {
      expect(() => requireJsonBody(request(type, ''))).not.toThrow();
    }
  });
});
