import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_CONTROLLER_BASE } from './admin-paths';
import { AdminRoutes } from './admin-route.decorators';
import { OpenApiDocument } from './openapi-document';
import { documentAnswer, type AdminAnswer } from './views';

/** `GET /openapi.json`: this API's OpenAPI 3 document (guarded like every admin route). */
@ApiTags('openapi')
@AdminRoutes()
@Controller(ADMIN_CONTROLLER_BASE)
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  @ApiOperation({ summary: 'This document' })
  @ApiOkResponse({
    description: 'The OpenAPI 3 document of the admin API',
    schema: { type: 'object', additionalProperties: true },
  })
  openapi(): AdminAnswer {
    return documentAnswer(this.document.text());
  }
}
