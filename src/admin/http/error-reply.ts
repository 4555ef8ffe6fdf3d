import type { AbstractHttpAdapter } from '@nestjs/core';
import type { ErrorAnswer } from './admin-error-answer';
import { JSON_TYPE } from './views';

/**
 * Writes an admin error answer through the adapter (the same on Fastify and Express).
 * A response already under way (a stream that failed) cannot change its status any
 * more: it is ended as it is.
 */
export function sendErrorAnswer(
  adapter: AbstractHttpAdapter,
  response: unknown,
  answer: ErrorAnswer,
): void {
  if (adapter.isHeadersSent(response)) {
    adapter.end(response);
    return;
  }
  for (const [name, value] of Object.entries(answer.headers)) {
    adapter.setHeader(response, name, value);
  }
  if (answer.status === 204) {
    adapter.reply(response, undefined, answer.status);
    return;
  }
  adapter.setHeader(response, 'Content-Type', JSON_TYPE);
  adapter.reply(response, answer.body, answer.status);
}
