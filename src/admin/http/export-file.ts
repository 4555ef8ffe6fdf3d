import { Logger, StreamableFile } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { adminErrorAnswer, INTERNAL_ERROR } from './admin-error-answer';
import { JSON_TYPE } from './views';

export const EXPORT_DISPOSITION = 'attachment; filename="automx2-export.json"';

const logger = new Logger('Errors');

/**
 * Resolves once the stream has data (or ended), rejects when it fails first: the
 * export's reads that fail (database unavailable) then reach the admin filter like any
 * other error, before a status, a Content-Disposition or a byte is sent.
 */
export function whenStarted(stream: Readable): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const started = () => {
      stop();
      resolve(stream);
    };
    const failed = (error: unknown) => {
      stop();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const stop = () => {
      stream.off('readable', started);
      stream.off('end', started);
      stream.off('error', failed);
    };
    stream.once('readable', started);
    stream.once('end', started);
    stream.once('error', failed);
  });
}

/**
 * The export document as a streamed download. A stream that fails later than
 * whenStarted (after its first bytes) has its connection cut, so a client never takes
 * a truncated document for a whole one; should one fail before its first byte, it is
 * answered as the admin API answers errors (503 for an unavailable database, else 500
 * and a log line). Express calls this handler; Fastify cuts the connection itself, or
 * hands an early error to the global filter, which answers the same.
 */
export function exportFile(stream: Readable): StreamableFile {
  return new StreamableFile(stream, {
    type: JSON_TYPE,
    disposition: EXPORT_DISPOSITION,
  }).setErrorHandler((error, handlerResponse) => {
    // Express hands over its response, a Node ServerResponse (setHeader included).
    const response = handlerResponse as typeof handlerResponse & Pick<ServerResponse, 'setHeader'>;
    if (response.destroyed) return;
    if (response.headersSent) {
      logger.error(`export stream failed after its start: ${error.message}`);
      response.destroy?.();
      return;
    }
    let answer = adminErrorAnswer(error);
    if (answer === null) {
      logger.error(`export stream failed: ${error.stack ?? error.message}`);
      answer = INTERNAL_ERROR;
    }
    response.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', JSON_TYPE);
    response.send(answer.body);
  });
}
