import { Controller, Get, Post, Req, type StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { HttpRequest } from '../../common/http-request';
import { rawBody } from '../../common/request-body';
import { AppConfigService } from '../../config/app-config.service';
import { AdminError } from '../admin-error';
import { BulkService } from '../bulk/bulk.service';
import { AdminAudit } from './admin-audit';
import { ADMIN_API_BASE, ADMIN_CONTROLLER_BASE } from './admin-paths';
import { AdminRoutes, ApiErrors } from './admin-route.decorators';
import { importDone } from './change-summaries';
import { exportFile, whenStarted } from './export-file';
import { requireJsonBody } from './json-body';
import { MergeSummary, ReplaceSummary } from './openapi-models';
import { importMode } from './request-params';
import { importAnswer, JSON_TYPE, type AdminAnswer } from './views';

const DOCUMENT_SCHEMA = {
  type: 'object',
  description:
    'An export document (`"format": "automx2-nest-export"`) or a seeding document of version 2',
  additionalProperties: true,
} as const;

/** `POST /import` and `GET /export`: the whole database as one document, either way. */
@ApiTags('bulk')
@AdminRoutes()
@Controller(ADMIN_CONTROLLER_BASE)
export class BulkController {
  private readonly importLimit: number;

  constructor(
    private readonly bulk: BulkService,
    private readonly audit: AdminAudit,
    config: AppConfigService,
  ) {
    this.importLimit = config.values.admin.importLimit;
  }

  @Post('import')
  @ApiOperation({
    summary: 'Loads an export or seeding document',
    description:
      'Validated completely first, then written in one transaction: `merge` as ' +
      '`automx2-nest import --merge`, `replace` as `automx2-nest import`. The body may be ' +
      '`admin_import_limit` bytes long.',
  })
  @ApiQuery({ name: 'mode', required: true, enum: ['merge', 'replace'] })
  @ApiBody({ schema: DOCUMENT_SCHEMA })
  @ApiExtraModels(MergeSummary, ReplaceSummary)
  @ApiOkResponse({
    description: 'What changed (counts)',
    schema: {
      oneOf: [{ $ref: getSchemaPath(MergeSummary) }, { $ref: getSchemaPath(ReplaceSummary) }],
    },
  })
  @ApiErrors(400, 413, 415)
  async import(@Req() request: HttpRequest): Promise<AdminAnswer> {
    const mode = importMode(request);
    requireJsonBody(request);
    const body = rawBody(request);
    if (body.length > this.importLimit) throw new AdminError(413, 'request body too large');
    const summary = await this.bulk.importDocument(body, mode);
    this.audit.record(request, `${ADMIN_API_BASE}/import`, importDone(summary));
    return importAnswer(summary);
  }

  @Get('export')
  @ApiOperation({
    summary: 'The export document, streamed',
    description: 'Byte for byte what `automx2-nest export` writes.',
  })
  @ApiProduces(JSON_TYPE)
  @ApiOkResponse({
    description: 'The export document (Content-Disposition: attachment)',
    schema: { type: 'object', additionalProperties: true },
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="automx2-export.json"',
        schema: { type: 'string' },
      },
    },
  })
  async export(@Req() request: HttpRequest): Promise<StreamableFile> {
    // HEAD: the headers only, without reading the database.
    if (request.method === 'HEAD') return exportFile(Readable.from([]));
    return exportFile(await whenStarted(this.bulk.exportDocument()));
  }
}
