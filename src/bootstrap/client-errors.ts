import type { Socket } from 'node:net';

/**
 * Requests Node's HTTP parser refuses before any framework sees them (malformed
 * request lines or headers, headers too large, timeouts) get the same short text/plain
 * answer on both adapters: no framework's JSON, no request data echoed, and the
 * connection closed. Fastify installs this through its `clientErrorHandler` option,
 * Express as the server's `clientError` listener (Node's default writes no body).
 */

interface ClientErrorAnswer {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

const HEADERS_TOO_LARGE: ClientErrorAnswer = {
  status: 431,
  reason: 'Request Header Fields Too Large',
  message: 'Request headers too large',
};
const TIMEOUT: ClientErrorAnswer = {
  status: 408,
  reason: 'Request Timeout',
  message: 'Request timeout',
};
const BAD_REQUEST: ClientErrorAnswer = {
  status: 400,
  reason: 'Bad Request',
  message: 'Bad request',
};

/** The answer for a parser error code (`HPE_…`, `ERR_HTTP_REQUEST_TIMEOUT`). */
export function clientErrorAnswer(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') return HEADERS_TOO_LARGE;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return TIMEOUT;
  return BAD_REQUEST;
}

/** The whole HTTP/1.1 response for a parser error, as bytes to write to the socket. */
export function clientErrorResponse(code: string | undefined): string {
  const { status, reason, message } = clientErrorAnswer(code);
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(message)}\r\n` +
    'Connection: close\r\n\r\n' +
    message
  );
}

/**
 * Answers and closes. A socket that is gone or already half-answered (the client reset
 * it, or a response started) is only destroyed — the same test Node's own default
 * handler makes, on the same (undocumented) `_httpMessage` field.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const sent = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    ?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || sent === true) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code));
}

export const BAD_REQUEST_MESSAGE = BAD_REQUEST.message;

/**
 * Whether the path of a request target has a percent escape that does not decode
 * (`/mobileconfig/%`, `%C3%28`): Fastify's router refuses those itself, and Express is
 * made to do the same, so both answer 400 "Bad request".
 */
export function isMalformedPath(url: string): boolean {
  const end = url.indexOf('?');
  const path = end < 0 ? url : url.slice(0, end);
  if (!path.includes('%')) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}
