import { Controller, Get, Header, Req, StreamableFile } from '@nestjs/common';
import type { HttpRequest } from '../common/http-request';
import { queryParam } from '../common/request-query';
import { MobileconfigService } from './mobileconfig.service';

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

/**
 * Public: the Apple configuration profile for `?emailaddress=` (`name`, `password`
 * optional). `/mobileconfig` redirects here (bootstrap).
 *
 * The body (plist XML, or DER when signing is on) goes out as a StreamableFile: Nest's
 * Express adapter would send a returned Buffer as JSON (`{"type":"Buffer","data":…}`),
 * and a StreamableFile also carries the per-domain Content-Disposition and the length
 * on both adapters, without touching either's response type.
 */
@Controller('mobileconfig')
export class MobileconfigController {
  constructor(private readonly mobileconfig: MobileconfigService) {}

  @Get()
  @Header('Content-Type', MOBILECONFIG_CONTENT_TYPE)
  async profile(@Req() request: HttpRequest): Promise<StreamableFile> {
    const download = await this.mobileconfig.profile({
      emailAddress: queryParam(request, 'emailaddress'),
      name: queryParam(request, 'name'),
      password: queryParam(request, 'password'),
    });
    return new StreamableFile(download.body, {
      type: MOBILECONFIG_CONTENT_TYPE,
      disposition: download.contentDisposition,
    });
  }
}
