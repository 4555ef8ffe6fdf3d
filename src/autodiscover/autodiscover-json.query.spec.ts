import type { HttpRequest } from '../common/http-request';
import { queryParamIgnoringCase } from './autodiscover-json.query';

const request = (url: string): HttpRequest => ({ method: 'GET', url, headers: {} });

describe(queryParamIgnoringCase.name, () => {
  it.each(['Protocol', 'protocol', 'PROTOCOL', 'pRoToCoL'])('finds %s', (name) => {
    expect(queryParamIgnoringCase(request(`/x?${name}=AutodiscoverV1`), 'Protocol')).toBe(
      'AutodiscoverV1',
    );
  });

  it('takes the first value whatever its spelling', () => {
    expect(queryParamIgnoringCase(request('/x?protocol=a&Protocol=b'), 'Protocol')).toBe('a');
  });

  it('decodes percent escapes and + as in a form', () => {
    expect(queryParamIgnoringCase(request('/x?Email=a+b%40example.com'), 'email')).toBe(
      'a b@example.com',
    );
  });

  it('treats array forms, other names and a missing query as missing', () => {
    expect(queryParamIgnoringCase(request('/x?Protocol[]=a'), 'Protocol')).toBeUndefined();
    expect(queryParamIgnoringCase(request('/x?Protocol[x]=a'), 'Protocol')).toBeUndefined();
    expect(queryParamIgnoringCase(request('/x?Protocols=a'), 'Protocol')).toBeUndefined();
    expect(queryParamIgnoringCase(request('/x'), 'Protocol')).toBeUndefined();
  });

  it('returns an empty value as empty', () => {
    expect(queryParamIgnoringCase(request('/x?Protocol='), 'Protocol')).toBe('');
  });
});
