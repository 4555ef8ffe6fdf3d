import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HttpRequest } from '../common/http-request';
import { queryParam } from '../common/request-query';
import { MobileconfigService } from './mobileconfig.service';

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

/**
 * Public: the Apple configuration profile for `?emailaddress=` (`name`, `password`
 * optional). `/mobileconfig` redirects here (bootstrap).
 *
 * The body (plist XML, or DER when signing is on) is returned as a Buffer, which both
 * adapters send as bytes with its length (bootstrap teaches the Express adapter to, as
 * Fastify does); the per-domain Content-Disposition is set through the adapter. A
 * StreamableFile would do the same through a stream per request, at about a third
 * of the route's CPU time.
 */
@Controller('mobileconfig')
export class MobileconfigController {
  constructor(
    private readonly mobileconfig: MobileconfigService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @Header('Content-Type', MOBILECONFIG_CONTENT_TYPE)
  async profile(
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Buffer> {
    const download = await this.mobileconfig.profile({
      emailAddress: queryParam(request, 'emailaddress'),
      name: queryParam(request, 'name'),
      password: queryParam(request, 'password'),
    });
    this.adapterHost.httpAdapter.setHeader(
      response,
      'Content-Disposition',
      download.contentDisposition,
    );
    return download.body;
  }
}
