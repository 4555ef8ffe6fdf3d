import type { HttpRequest } from '../common/http-request';
import { jsonPathDomain, jsonQueryDomain, notePoxAddress, poxBodyDomain } from './queried-domains';

const requestOf = (url: string, body?: string): HttpRequest => ({
  method: body === undefined ? 'GET' : 'POST',
  url,
  headers: {},
  body: body === undefined ? undefined : Buffer.from(body),
});

describe('the Autodiscover routes’ queried domain', () => {
  it('POX: the domain of the EMailAddress the service read, lower-cased', () => {
    const request = requestOf('/autodiscover/autodiscover.xml', '<ignored/>');
    notePoxAddress(request, 'Secret@Example.COM');
    expect(poxBodyDomain(request)).toBe('example.com');
  });

  it('POX: nothing when the service read no address, or an invalid one', () => {
    expect(poxBodyDomain(requestOf('/autodiscover/autodiscover.xml', '<x/>'))).toBeUndefined();
    const invalid = requestOf('/autodiscover/autodiscover.xml', '<x/>');
    notePoxAddress(invalid, 'no-at-sign');
    expect(poxBodyDomain(invalid)).toBeUndefined();
  });

  it.each([
    [
      '/autodiscover/autodiscover.json?Email=Secret@Example.com&Protocol=AutodiscoverV1',
      'example.com',
    ],
    ['/autodiscover/autodiscover.json?email=secret%40example.org', 'example.org'],
    ['/autodiscover/autodiscover.json?Protocol=AutodiscoverV1', undefined],
    ['/autodiscover/autodiscover.json?Email=secret', undefined],
  ])('JSON query %s → %s', (url, domain) => {
    expect(jsonQueryDomain(requestOf(url))).toBe(domain);
  });

  it.each([
    [
      '/autodiscover/autodiscover.json/v1.0/Secret@Example.com?Protocol=AutodiscoverV1',
      'example.com',
    ],
    ['/Autodiscover/Autodiscover.json/V1.0/secret%40example.org', 'example.org'],
    ['/autodiscover/autodiscover.json/v1.0/secret@example.net/', 'example.net'],
    ['/autodiscover/autodiscover.json/v1.0/secret%E0%A4%A@example.net', undefined],
    ['/autodiscover/autodiscover.json/v1.0/secret', undefined],
    ['/autodiscover/autodiscover.json?Email=a@example.com', undefined],
  ])('JSON path %s → %s', (url, domain) => {
    expect(jsonPathDomain(requestOf(url))).toBe(domain);
  });
});
