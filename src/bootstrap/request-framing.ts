import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** RFC 9110 token characters (type and subtype of a media type). */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/;

/**
 * Whether a Content-Type value starts with a media type (`type/subtype`, tokens, any
 * parameters after `;`), as Fastify requires before it reads a body. `;`, an empty
 * value or `text` is not one.
 */
export function isMediaType(value: string): boolean {
  const end = value.indexOf(';');
  const mediaType = end < 0 ? value : value.slice(0, end);
  const slash = mediaType.indexOf('/');
  if (slash < 0) return false;
  const type = mediaType.slice(0, slash).trimStart();
  const subtype = mediaType.slice(slash + 1).trimEnd();
  return TOKEN.test(type) && TOKEN.test(subtype);
}

/**
 * Fastify answers a Content-Type that is not a media type (`Content-Type: ;`) with its
 * own 415 before any route runs; Express reads the body and lets the route decide
 * (Autodiscover: 400 "Unexpected content type", BEHAVIOUR.md §1). Such a header says
 * nothing a route could use (its media type is empty either way), so on Fastify it is
 * dropped before routing and both adapters answer alike.
 */
export function dropUnusableContentType(headers: IncomingHttpHeaders): void {
  const value = headers['content-type'];
  if (value !== undefined && !isMediaType(value)) delete headers['content-type'];
}

/** How long a refused CONNECT's socket may take to receive the answer. */
const CONNECT_LINGER_MS = 5_000;

export const CONNECT_RESPONSE =
  'HTTP/1.1 405 Method Not Allowed\r\n' +
  'Allow: GET, HEAD, POST, DELETE, OPTIONS\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  'Content-Length: 18\r\n' +
  'Connection: close\r\n' +
  '\r\n' +
  'Method not allowed';

/**
 * Node hands a CONNECT request to the server's `connect` listeners and, without one,
 * drops the connection unanswered. This is not a proxy: CONNECT gets a short 405 (with
 * the methods the service answers at all) and the connection is closed.
 */
export function answerConnect(server: Server): void {
  server.on('connect', (_request: unknown, socket: Duplex) => {
    // The socket has left the HTTP server and its timeouts: bound it here.
    const timer = setTimeout(() => socket.destroy(), CONNECT_LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
    socket.on('error', () => socket.destroy());
    socket.end(CONNECT_RESPONSE);
  });
}
