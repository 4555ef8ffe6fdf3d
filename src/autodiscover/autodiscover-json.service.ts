import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { AutodiscoverJsonError } from './autodiscover-json.errors';

/** What the v2 JSON routes pass on. */
export interface AutodiscoverJsonQuery {
  /** The `Protocol` query parameter as given (undefined when absent). */
  readonly protocol?: string;
  /** Host name of the request without port (see requestHost), undefined when absent. */
  readonly host?: string;
}

/** The v2 answer: where the POX endpoint is. */
export interface AutodiscoverV1Endpoint {
  readonly Protocol: 'AutodiscoverV1';
  readonly Url: string;
}

const AUTODISCOVER_V1 = 'AutodiscoverV1';
const POX_PATH = '/autodiscover/autodiscover.xml';
const MAX_HOST_LENGTH = 253;
const HOST_NAME =
  /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * Autodiscover v2 (the JSON endpoint Outlook asks first, CLIENTS.md): for the protocol
 * `AutodiscoverV1` (any case) the URL of our POX endpoint, always https (Outlook
 * refuses http), from `autodiscover_url` or the request's host; every other protocol
 * (ActiveSync included: we run no ActiveSync server) is refused. The address in the
 * request is not needed and not looked up, so the answer says nothing about it.
 */
@Injectable()
export class AutodiscoverJsonService {
  constructor(private readonly config: AppConfigService) {}

  endpoint(query: AutodiscoverJsonQuery): AutodiscoverV1Endpoint {
    const protocol = query.protocol ?? '';
    if (protocol.toLowerCase() !== AUTODISCOVER_V1.toLowerCase()) {
      throw new AutodiscoverJsonError(
        'InvalidProtocol',
        `The given protocol value '${protocol}' is invalid. Supported values are '${AUTODISCOVER_V1}'`,
      );
    }
    const configured = this.config.values.autodiscoverUrl;
    if (configured !== null) return { Protocol: AUTODISCOVER_V1, Url: configured };
    if (query.host === undefined || !isUrlHost(query.host)) {
      throw new AutodiscoverJsonError('InvalidHost', 'The request has no valid Host header');
    }
    return { Protocol: AUTODISCOVER_V1, Url: `https://${query.host}${POX_PATH}` };
  }
}

/**
 * Whether a (lower-cased, port-less) host can go into a URL as it is: a DNS name of
 * letters, digits, `-` and `_`, an IPv4 address, or a bracketed IPv6 address. Anything
 * else (spaces, `/`, `@`, `:`, control or non-ASCII characters) is refused, so a forged
 * Host header is never reflected.
 */
export function isUrlHost(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return isIP(host.slice(1, -1)) === 6;
  return host.length <= MAX_HOST_LENGTH && HOST_NAME.test(host);
}
