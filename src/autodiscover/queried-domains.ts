import { DomainError } from '../common/domain-error';
import type { HttpRequest } from '../common/http-request';
import type { QueriedDomainReader } from '../common/queried-domain';
import { rawBody } from '../common/request-body';
import { domainOfAddress } from '../mail-settings/address-domain';
import { queryParamIgnoringCase } from './autodiscover-json.query';
import { readAutodiscoverRequest } from './autodiscover-request.reader';

/**
 * Where the Autodiscover routes take the address, for the access log's `domain`
 * (see common/queried-domain.ts).
 */

/**
 * Bodies longer than this are not read a second time for the log. Outlook's requests
 * are about 400 bytes; a padded one (bench/memory-attack.js sends 60 KiB)
 * would double the parsing work at INFO.
 */
export const MAX_LOGGED_POX_BODY = 4096;

/**
 * POX: `EMailAddress` of the body, read as the service reads it — a second time (about
 * 15 µs), as the service does not hand it on; nothing for a body over
 * MAX_LOGGED_POX_BODY bytes.
 */
export const poxBodyDomain: QueriedDomainReader = (request) => {
  const body = rawBody(request);
  if (body.length > MAX_LOGGED_POX_BODY) return undefined;
  try {
    return domainOfAddress(readAutodiscoverRequest(body).emailAddress);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
};

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
