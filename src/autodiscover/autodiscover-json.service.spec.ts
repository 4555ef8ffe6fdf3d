import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { AppConfigService } from '../config/app-config.service';
import { AutodiscoverJsonError } from './autodiscover-json.errors';
import { AutodiscoverJsonService, isUrlHost } from './autodiscover-json.service';

function service(autodiscoverUrl: string | null = null): AutodiscoverJsonService {
  const values = { autodiscoverUrl } as AppConfig;
  const config = { get: () => values } as unknown as ConfigService;
  return new AutodiscoverJsonService(new AppConfigService(config));
}

function errorOf(act: () => unknown): AutodiscoverJsonError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(AutodiscoverJsonError);
    return error as AutodiscoverJsonError;
  }
  throw new Error('expected an AutodiscoverJsonError');
}

describe(AutodiscoverJsonService.name, () => {
  describe('endpoint', () => {
    it.each(['AutodiscoverV1', 'autodiscoverv1', 'Autodiscoverv1', 'AUTODISCOVERV1'])(
      'answers protocol %s with the https URL on the request host',
      (protocol) => {
        expect(service().endpoint({ protocol, host: 'autodiscover.example.com' })).toEqual({
          Protocol: 'AutodiscoverV1',
          Url: 'https://autodiscover.example.com/autodiscover/autodiscover.xml',
        });
      },
    );

    it('uses autodiscover_url when set, whatever the host', () => {
      const url = 'https://mail.example.net/autodiscover/autodiscover.xml';
      expect(service(url).endpoint({ protocol: 'AutodiscoverV1', host: 'x y' })).toEqual({
        Protocol: 'AutodiscoverV1',
        Url: url,
      });
      expect(service(url).endpoint({ protocol: 'AutodiscoverV1' }).Url).toBe(url);
    });

    it.each([
      ['ActiveSync', 'ActiveSync'],
      ['Ews', 'Ews'],
      [' AutodiscoverV1', ' AutodiscoverV1'],
      ['AutodiscoverV2', 'AutodiscoverV2'],
      ['', ''],
      [undefined, ''],
    ])('refuses protocol %j, naming it', (protocol, shown) => {
      const error = errorOf(() => service().endpoint({ protocol, host: 'example.com' }));
      expect(error.code).toBe('InvalidProtocol');
      expect(error.message).toBe(
        `The given protocol value '${shown}' is invalid. Supported values are 'AutodiscoverV1'`,
      );
    });

    it('checks the protocol before the host', () => {
      expect(errorOf(() => service().endpoint({ protocol: 'x', host: 'a b' })).code).toBe(
        'InvalidProtocol',
      );
    });

    it.each([undefined, '', 'a b', 'evil.example/x', 'user@evil.example', 'a\r\nb', 'ex:80'])(
      'refuses host %j',
      (host) => {
        const error = errorOf(() => service().endpoint({ protocol: 'AutodiscoverV1', host }));
        expect(error.code).toBe('InvalidHost');
      },
    );
  });
});

describe(isUrlHost.name, () => {
  it.each([
    'example.com',
    'autodiscover.example.com',
    'localhost',
    'xn--bcher-kva.example',
    'a_b.example',
    '127.0.0.1',
    '[::1]',
    '[2001:db8::1]',
    `${'a'.repeat(63)}.example`,
  ])('accepts %s', (host) => expect(isUrlHost(host)).toBe(true));

  it.each([
    '',
    '.',
    '.example.com',
    'example..com',
    'example.com.',
    '-a.example',
    'a-.example',
    'a b',
    'a/b',
    'a@b',
    'a:80',
    'a\\b',
    'a?b',
    'a#b',
    'a%2fb',
    'bücher.example',
    'a\tb',
    'a\nb',
    '[::1',
    '[example.com]',
    '[::1]:80',
    `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}ab`,
  ])('refuses %j', (host) => expect(isUrlHost(host)).toBe(false));
});
