import type { HttpRequest } from '../common/http-request';
import { jsonPathDomain, jsonQueryDomain, poxBodyDomain } from './queried-domains';

const requestOf = (url: string, body?: string): HttpRequest => ({
  method: body === undefined ? 'GET' : 'POST',
  url,
  headers: {},
  body: body === undefined ? undefined : Buffer.from(body),
});

const pox = (address: string) =>
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">' +
  `<Request><EMailAddress>${address}</EMailAddress></Request></Autodiscover>`;

describe('the Autodiscover routes’ queried domain', () => {
  it('POX: the domain of EMailAddress, lower-cased, entities decoded', () => {
    expect(
      poxBodyDomain(requestOf('/autodiscover/autodiscover.xml', pox('Secret@Example.COM'))),
    ).toBe('example.com');
    expect(poxBodyDomain(requestOf('/', pox('secret&#64;example.org')))).toBe('example.org');
  });

  it.each([
    ['no address', '<Autodiscover/>'],
    ['an invalid address', pox('no-at-sign')],
    ['malformed XML', '<Autodiscover><Request>'],
    ['a DTD', '<!DOCTYPE x [<!ENTITY e "a@example.com">]><x/>'],
    ['an empty body', ''],
    [
      'a body padded past 4 KiB',
      pox('secret@example.com').replace('<Request>', `<Request>${' '.repeat(4096)}`),
    ],
  ])('POX: nothing for %s', (_name, body) => {
    expect(poxBodyDomain(requestOf('/autodiscover/autodiscover.xml', body))).toBeUndefined();
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
