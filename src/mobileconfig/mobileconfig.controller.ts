import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HttpRequest } from '../common/http-request';
import { QueriedDomain } from '../common/queried-domain';
import { queryParam } from '../common/request-query';
import { domainOfAddress } from '../mail-settings/address-domain';
import { MobileconfigService } from './mobileconfig.service';

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

/**
 * Public: the Apple configuration profile for `?emailaddress=` (`name`, `password`
 * optional). `/mobileconfig` redirects here (bootstrap).
 *
 * The body is the plist XML as text, or, when signing is on, the DER bytes as a Buffer;
 * both adapters send either as it is, with its length (bootstrap teaches the Express
 * adapter to send Buffers as bytes, as Fastify does). The per-domain
 * Content-Disposition is set through the adapter. A StreamableFile would do the same
 * through a stream per request, at about a third of the route's CPU time; encoding
 * the text to a Buffer here would cost a fifth.
 */
@Controller('mobileconfig')
export class MobileconfigController {
  constructor(
    private readonly mobileconfig: MobileconfigService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @Header('Content-Type', MOBILECONFIG_CONTENT_TYPE)
  @QueriedDomain((request) => domainOfAddress(queryParam(request, 'emailaddress')))
  async profile(
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<string | Buffer> {
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
