import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { exportDocumentStream } from '../../cli/export-stream';
import { ExportRepository } from '../../database/export.repository';
import { SeedRepository } from '../../database/seed.repository';
import { readImportDocument } from '../../provisioning/import-document';
import { documentText } from './document-text';
import { mergeSummary, replaceSummary, type ImportSummary } from './import-summary';

export type { ImportSummary } from './import-summary';

/** An export answer left unread this long is cut off, releasing its database read. */
export const EXPORT_IDLE_LIMIT_MS = 60_000;

/**
 * `POST /admin/api/v1/import` and `GET /admin/api/v1/export`: the code of
 * `automx2-nest import --merge | --replace` and `automx2-nest export`, for a body and a
 * response instead of files. The schema is the server's own (no migrations here).
 */
@Injectable()
export class BulkService {
  constructor(
    private readonly seeds: SeedRepository,
    private readonly exports: ExportRepository,
  ) {}

  /**
   * Validates the whole document (an export document or a seeding document of version
   * 2), then writes it in one transaction. A refused document is a DomainError
   * INVALID_SEED naming every problem, one `path: problem` per line; nothing is written.
   */
  async importDocument(body: Buffer, mode: 'merge' | 'replace'): Promise<ImportSummary> {
    const { kind, plan } = readImportDocument(documentText(body));
    if (mode === 'merge') return mergeSummary(kind, await this.seeds.mergeDomains(plan));
    await this.seeds.replaceAll(plan);
    return replaceSummary(kind, plan);
  }

  /**
   * The export document, byte for byte what `automx2-nest export` writes, streamed; a
   * client that stops reading for EXPORT_IDLE_LIMIT_MS gets a cut answer.
   */
  exportDocument(): Readable {
    return exportDocumentStream(this.exports, { idleLimitMs: EXPORT_IDLE_LIMIT_MS });
  }
}
