import { ForwardedHeaders } from './forwarded-headers';
import type { HttpRequest } from './http-request';

function request(peer: string, headers: HttpRequest['headers'] = {}): HttpRequest {
  return { method: 'GET', url: '/', headers, socket: { remoteAddress: peer } };
}

const FORGED = {
  host: 'autodiscover.example.com',
  'x-forwarded-for': '127.0.0.1',
  'x-forwarded-host': 'evil.example',
};

describe(ForwardedHeaders.name, () => {
  describe('without trusted_proxies (automx2 compatibility)', () => {
    const forwarded = new ForwardedHeaders(1, []);

    it('reads the forwarded headers of every peer', () => {
      const from = request('::ffff:10.9.8.7', FORGED);
      expect(forwarded.client(from)).toEqual({ address: '127.0.0.1', peer: '10.9.8.7' });
      expect(forwarded.host(from)).toBe('evil.example');
    });
  });

  describe('with trusted_proxies', () => {
    const forwarded = new ForwardedHeaders(1, ['10.0.0.0/8', '::1']);

    it('reads the forwarded headers of a listed peer', () => {
      const viaProxy = request('10.1.2.3', {
        host: 'automx2:4243',
        'x-forwarded-for': '127.0.0.1, 198.51.100.4',
        'x-forwarded-host': 'autodiscover.example.com',
      });
      expect(forwarded.client(viaProxy)).toEqual({ address: '198.51.100.4', peer: '10.1.2.3' });
      expect(forwarded.host(viaProxy)).toBe('autodiscover.example.com');
      expect(forwarded.client(request('::1', FORGED)).address).toBe('127.0.0.1');
    });

    it('ignores them from any other peer: the socket address and Host count', () => {
      // A pod or container that reaches the port directly (issue 14, M3).
      const direct = request('172.16.0.9', FORGED);
      expect(forwarded.client(direct)).toEqual({ address: '172.16.0.9', peer: '172.16.0.9' });
      expect(forwarded.host(direct)).toBe('autodiscover.example.com');
      expect(forwarded.client(request('127.0.0.1', FORGED)).address).toBe('127.0.0.1');
      expect(forwarded.client(request('::ffff:11.0.0.1', FORGED)).address).toBe('11.0.0.1');
    });

    it('fails closed when a listed peer sends too few entries', () => {
      expect(forwarded.client(request('10.1.2.3', { host: 'x' }))).toEqual({
        address: null,
        peer: '10.1.2.3',
      });
      // X-Forwarded-Host that is short or absent: the Host header, as before.
      expect(forwarded.host(request('10.1.2.3', { host: 'Autoconfig.Example.com:443' }))).toBe(
        'autoconfig.example.com',
      );
    });
  });

  it('reads no forwarded header with proxy_count 0', () => {
    const forwarded = new ForwardedHeaders(0, []);
    expect(forwarded.trustsPeer('127.0.0.1')).toBe(false);
    expect(forwarded.client(request('10.1.2.3', FORGED)).address).toBe('10.1.2.3');
    expect(forwarded.host(request('10.1.2.3', FORGED))).toBe('autodiscover.example.com');
  });

  it('counts hops with proxy_count 2 only from a trusted nearest proxy', () => {
    const forwarded = new ForwardedHeaders(2, ['10.0.0.1']);
    const chain = { 'x-forwarded-for': '127.0.0.1, 203.0.113.9, 10.0.0.2' };
    expect(forwarded.client(request('10.0.0.1', chain)).address).toBe('203.0.113.9');
    expect(forwarded.client(request('10.0.0.3', chain)).address).toBe('10.0.0.3');
  });
});
