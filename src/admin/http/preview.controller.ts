import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../common/domain-error';
import type { HttpRequest } from '../../common/http-request';
import type { Preview } from '../../preview/preview';
import { PreviewService } from '../../preview/preview.service';
import { AdminError } from '../admin-error';
import { ADMIN_CONTROLLER_BASE } from './admin-paths';
import { AdminRoutes, ApiErrors } from './admin-route.decorators';
import { PreviewAnswer } from './openapi-models';
import { badParameter, singleQueryParam } from './request-params';
import { AdminAnswer } from './views';

/**
 * `/admin/api/v1/preview?address=`: what Thunderbird, Outlook, Apple devices and K-9
 * get for an address, each document from the service its client route uses, with the
 * account each client sets up from it in one line.
 */
@ApiTags('preview')
@AdminRoutes()
@Controller(`${ADMIN_CONTROLLER_BASE}/preview`)
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Get()
  @ApiOperation({ summary: "Every client's answer for an address, side by side" })
  @ApiQuery({
    name: 'address',
    required: true,
    description: 'the e-mail address a user would type',
    schema: { type: 'string', example: 'alice@example.org' },
  })
  @ApiOkResponse({ type: PreviewAnswer, description: 'Thunderbird, Outlook, Apple, K-9' })
  @ApiErrors(400, 404)
  async preview(@Req() request: HttpRequest): Promise<AdminAnswer> {
    const address = singleQueryParam(request, 'address');
    if (address === undefined || address.trim() === '') {
      throw badParameter('address', 'required (an e-mail address)');
    }
    let preview: Preview;
    try {
      preview = await this.previews.preview(address);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INVALID_ADDRESS') {
        throw badParameter('address', error.message);
      }
      if (error instanceof DomainError && error.code === 'UNKNOWN_DOMAIN') {
        throw new AdminError(404, 'domain not found');
      }
      throw error;
    }
    return new AdminAnswer(200, JSON.stringify(previewJson(preview)));
  }
}

/** The preview as the API answers it (snake_case). */
function previewJson(preview: Preview): object {
  return {
    address: preview.address,
    domain: preview.domain,
    clients: preview.clients.map((client) => ({
      client: client.client,
      label: client.label,
      request: client.request,
      status: client.status,
      content_type: client.contentType,
      document: client.document,
      accepted: client.accepted,
      summary: client.summary,
    })),
  };
}
