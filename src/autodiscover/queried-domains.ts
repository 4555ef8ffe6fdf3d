import type { HttpRequest } from '../common/http-request';
import type { QueriedDomainReader } from '../common/queried-domain';
import { domainOfAddress } from '../mail-settings/address-domain';
import { queryParamIgnoringCase } from './autodiscover-json.query';

/**
 * Where the Autodiscover routes take the address, for the access log's `domain`
 * (see common/queried-domain.ts).
 */

/** The address each POX request named, as the service read it (see notePoxAddress). */
const poxAddresses = new WeakMap<HttpRequest, string>();

/**
 * Records the `EMailAddress` the service read from a POX body, so that the access log
 * takes its domain from there instead of parsing the body a second time.
 */
export function notePoxAddress(request: HttpRequest, address: string): void {
  poxAddresses.set(request, address);
}

/** POX: the domain of the `EMailAddress` the service read (nothing when it read none). */
export const poxBodyDomain: QueriedDomainReader = (request) =>
  domainOfAddress(poxAddresses.get(request));

/** v2 JSON, query form: `Email=` (any case). */
export const jsonQueryDomain: QueriedDomainReader = (request) =>
  domainOfAddress(queryParamIgnoringCase(request, 'Email'));

/** The `<address>` of `…/v1.0/<address>[/]`, percent-decoded. */
const V1_ADDRESS = /\/v1\.0\/([^/?#]+)\/?(?:[?#]|$)/i;

/** v2 JSON, path form: `/autodiscover/autodiscover.json/v1.0/<address>`. */
export const jsonPathDomain: QueriedDomainReader = (request) =>
  domainOfAddress(pathAddress(request));

function pathAddress(request: HttpRequest): string | undefined {
  const encoded = V1_ADDRESS.exec(request.url)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
