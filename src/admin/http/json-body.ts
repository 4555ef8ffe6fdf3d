import type { HttpRequest } from '../../common/http-request';
import { headerValue } from '../../common/http-request';
import { mediaType, rawBody } from '../../common/request-body';
import { AdminError } from '../admin-error';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses a body that is not `application/json` (415). A `charset` other than UTF-8 is
 * refused too: JSON is UTF-8 (RFC 8259), and the body is decoded as nothing else.
 */
export function requireJsonBody(request: HttpRequest): void {
  if (mediaType(request) !== 'application/json') {
    throw new AdminError(415, 'expected Content-Type: application/json');
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(
    headerValue(request, 'content-type') ?? '',
  );
  if (charset && !/^utf-?8$/i.test(charset[1] ?? '')) {
    throw new AdminError(415, 'expected a UTF-8 JSON body');
  }
}

/**
 * The JSON body of an admin request: `application/json` (415 otherwise), at most
 * `limit` bytes (413; the transport refuses larger bodies already), UTF-8 and JSON
 * (400 `malformed JSON` otherwise). `__proto__` members are dropped, so no later
 * spread or merge of the value can reach an object's prototype.
 */
export function readJsonBody(request: HttpRequest, limit: number): unknown {
  requireJsonBody(request);
  const bytes = rawBody(request);
  if (bytes.length > limit) throw new AdminError(413, 'request body too large');
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw malformed();
  }
  try {
    return JSON.parse(text, withoutProto) as unknown;
  } catch {
    throw malformed();
  }
}

function malformed(): AdminError {
  return new AdminError(400, 'malformed JSON');
}

/** JSON.parse reviver: a member named `__proto__` is removed (returning undefined drops it). */
function withoutProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}
