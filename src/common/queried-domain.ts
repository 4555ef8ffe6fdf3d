import { SetMetadata } from '@nestjs/common';
import type { HttpRequest } from './http-request';

/**
 * Reads the domain a request asks about from where its route takes the address (a
 * query parameter, the path, the body): lower-cased, and `undefined` when the request
 * names none or an invalid one. Never the local part.
 */
export type QueriedDomainReader = (request: HttpRequest) => string | undefined;

export const QUERIED_DOMAIN_READER = 'automx2:queriedDomainReader';

/**
 * Declares on a handler (or a controller, for all its handlers) where its requests name the address (or domain) they ask
 * about, for the access log's `domain` field. The access log calls the reader after
 * the answer is sent, and only while it is on (INFO): routes pay nothing otherwise.
 */
export const QueriedDomain = (reader: QueriedDomainReader) =>
  SetMetadata(QUERIED_DOMAIN_READER, reader);
