import { DomainError } from './domain-error';
import { headerValue, type HttpRequest } from './http-request';

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(request: HttpRequest): string {
  return (headerValue(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The raw body bytes (bootstrap registers one raw reader for every content type). */
export function rawBody(request: HttpRequest): Buffer {
  const body = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.alloc(0);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an application/json body; other media types are a 415, bad JSON a 400. */
export function readJsonBody(request: HttpRequest): unknown {
  const type = mediaType(request);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Expected Content-Type: application/json');
  }
  const bytes = rawBody(request);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new DomainError('MALFORMED_BODY', 'Request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new DomainError('MALFORMED_BODY', 'Request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('MALFORMED_BODY', 'Request body is not valid JSON');
  }
}
