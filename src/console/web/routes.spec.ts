import { domainHash, parseRoute } from './routes';

describe('parseRoute', () => {
  it.each(['', '#', '#/'])('reads %j as the domain list', (hash) => {
    expect(parseRoute(hash)).toEqual({ page: 'domains' });
  });

  it('reads a domain page, decoded', () => {
    expect(parseRoute('#/domains/example.org')).toEqual({ page: 'domain', name: 'example.org' });
    expect(parseRoute('#/domains/b%C3%BCcher.example/')).toEqual({
      page: 'domain',
      name: 'bücher.example',
    });
  });

  it('round-trips domainHash', () => {
    for (const name of ['example.org', 'bücher.example', 'odd#name']) {
      expect(parseRoute(domainHash(name))).toEqual({ page: 'domain', name });
    }
  });

  it.each(['#/domains/', '#/domains/a/b', '#/nothing', '#/domains/%E0%A4%A'])(
    'reads %j as an unknown page',
    (hash) => {
      expect(parseRoute(hash)).toEqual({ page: 'unknown' });
    },
  );

  it('is null for an anchor that is no route', () => {
    expect(parseRoute('#main')).toBeNull();
  });
});
