import type request from 'supertest';

/**
 * A superagent body parser that collects the body as bytes, whatever the content type:
 * `request(url).get(path).buffer(true).parse(binaryBody)`.
 */
export function binaryBody(
  response: request.Response,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  // In Node, superagent hands parsers the raw IncomingMessage typed as its Response.
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}
