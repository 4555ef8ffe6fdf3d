import { Readable } from 'node:stream';
import type { ExportRepository } from '../database/export.repository';
import { emptyTally, exportDocumentText, type ExportTally } from './export-document';

export interface ExportStreamOptions {
  /** Filled in while the document is written (the CLI's summary). */
  readonly tally?: ExportTally;
  /**
   * How long the consumer may leave the stream unread before it is destroyed (with an
   * error), releasing the database read it holds; none by default (the CLI's reader may
   * be a person paging through it). A client of the admin API that stops reading must
   * not keep a pooled connection and a snapshot for ever.
   */
  readonly idleLimitMs?: number;
}

/**
 * The export document as a byte stream (UTF-8), for `automx2-nest export` and
 * `GET /admin/api/v1/export`. Pull-based: the database read starts when the consumer
 * first reads, and each next page is read only when the consumer wants more. A failure
 * half-way destroys the stream with the error. The read transaction ends (its connection
 * is released) when the stream ends, fails or is destroyed early (a client that hangs
 * up), once the page being read, if any, has arrived.
 */
export function exportDocumentStream(
  repository: Pick<ExportRepository, 'open'>,
  options: ExportStreamOptions = {},
): Readable {
  const text = documentText(repository, options.tally ?? emptyTally());
  const { idleLimitMs } = options;
  if (idleLimitMs === undefined) return Readable.from(text, { objectMode: false });
  const stream: Readable = Readable.from(
    unreadFor(idleLimitMs, text, () => stream),
    {
      objectMode: false,
    },
  );
  return stream;
}

async function* documentText(
  repository: Pick<ExportRepository, 'open'>,
  tally: ExportTally,
): AsyncGenerator<string, void, undefined> {
  const reader = await repository.open();
  let failed = true;
  try {
    yield* exportDocumentText(reader, tally);
    failed = false;
  } finally {
    // The first failure is the one to report: a read that broke may also fail to end.
    await reader.close().catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

/**
 * The chunks of `text`, destroying the stream when one waits unread for `limitMs`: a
 * chunk waits at its `yield` while the stream's buffer is full, until the consumer reads.
 */
async function* unreadFor(
  limitMs: number,
  text: AsyncIterable<string>,
  stream: () => Readable,
): AsyncGenerator<string, void, undefined> {
  for await (const chunk of text) {
    const timer = setTimeout(() => {
      stream().destroy(new Error(`export stopped: nothing was read for ${limitMs / 1000} s`));
    }, limitMs);
    try {
      yield chunk;
    } finally {
      clearTimeout(timer);
    }
  }
}
