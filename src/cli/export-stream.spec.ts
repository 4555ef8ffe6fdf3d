import 'reflect-metadata';
import type { Readable } from 'node:stream';
import type { ExportPages, ExportReader } from '../database/export.repository';
import {
  documentFromSnapshot,
  serialiseDocument,
  snapshotPages,
  type DatabaseSnapshot,
} from '../../test/support/export-reference';
import { emptyTally } from './export-document';
import { exportDocumentStream } from './export-stream';

const domains = Array.from({ length: 20_000 }, (_, i) => ({
  id: i + 1,
  name: `domain-${i + 1}.example`,
  providerId: 1,
  ldapserverId: null,
}));

const SNAPSHOT: DatabaseSnapshot = {
  providers: [{ id: 1, name: 'Provider', shortName: 'P' }],
  ldapServers: [],
  domains,
  servers: [],
  davServers: [],
  serverDomains: [],
  davServerDomains: [],
};

const REFERENCE = serialiseDocument(documentFromSnapshot(SNAPSHOT));

/** A repository over in-memory pages that records its reads being opened and closed. */
function repository(pages: ExportPages = snapshotPages(SNAPSHOT, 1000)) {
  const events: string[] = [];
  return {
    events,
    open: (): Promise<ExportReader> => {
      events.push('open');
      return Promise.resolve({
        ...pages,
        close: () => {
          events.push('close');
          return Promise.resolve();
        },
      });
    },
  };
}

function closed(stream: Readable): Promise<void> {
  return new Promise((resolve) => stream.once('close', resolve));
}

/** The error the stream is destroyed with (if any), once it has closed. */
function failureOf(stream: Readable): Promise<unknown> {
  return new Promise((resolve) => {
    let failure: unknown = null;
    stream.once('error', (error) => (failure = error));
    stream.once('close', () => resolve(failure));
  });
}

async function drain(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('exportDocumentStream', () => {
  it('is a byte stream of the document; the read is closed at its end', async () => {
    const source = repository();
    const tally = emptyTally();
    const stream = exportDocumentStream(source, { tally });
    expect(stream.readableObjectMode).toBe(false);
    expect(await drain(stream)).toBe(REFERENCE);
    expect(tally).toEqual({ providers: 1, domains: 20_000, containsSecrets: false });
    expect(source.events).toEqual(['open', 'close']);
  });

  it('opens nothing until it is read', async () => {
    const source = repository();
    const stream = exportDocumentStream(source);
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.events).toEqual([]);
    stream.destroy();
    await closed(stream);
    expect(source.events).toEqual([]);
  });

  it('closes the read when destroyed after its first chunk', async () => {
    const source = repository();
    const stream = exportDocumentStream(source);
    await new Promise((resolve) => stream.once('readable', resolve));
    expect(source.events).toEqual(['open']);
    stream.destroy();
    await closed(stream);
    expect(source.events).toEqual(['open', 'close']);
  });

  it('is destroyed with the error of a read failing half-way, and closes the read', async () => {
    const pages = snapshotPages(SNAPSHOT, 1000);
    const failing: ExportPages = {
      ...pages,
      domains: (after) =>
        after !== null && after > 10_000
          ? Promise.reject(new Error('connection lost'))
          : pages.domains(after),
    };
    const source = repository(failing);
    const stream = exportDocumentStream(source);
    let received = '';
    stream.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    expect(await failureOf(stream)).toMatchObject({ message: 'connection lost' });
    expect(REFERENCE.startsWith(received)).toBe(true);
    expect(received.length).toBeGreaterThan(100_000);
    expect(source.events).toEqual(['open', 'close']);
  });

  it('with an idle limit, a stream left unread is destroyed and its read closed', async () => {
    const source = repository();
    const stream = exportDocumentStream(source, { idleLimitMs: 50 });
    const failure = failureOf(stream);
    await new Promise((resolve) => stream.once('readable', resolve));
    expect(await failure).toMatchObject({ message: 'export stopped: nothing was read for 0.05 s' });
    expect(source.events).toEqual(['open', 'close']);
  });

  it('with an idle limit, a stream that is read to its end is whole', async () => {
    const source = repository();
    expect(await drain(exportDocumentStream(source, { idleLimitMs: 10_000 }))).toBe(REFERENCE);
    expect(source.events).toEqual(['open', 'close']);
  });
});
