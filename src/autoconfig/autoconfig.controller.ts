import { Controller, Get, Header, Req } from '@nestjs/common';
import type { HttpRequest } from '../common/http-request';
import { queryParam } from '../common/request-query';
import { requestHost } from '../common/request-host';
import { AppConfigService } from '../config/app-config.service';
import { AutoconfigService } from './autoconfig.service';

/** Public: Mozilla clientConfig for Thunderbird, K-9, Evolution, KMail. */
@Controller()
export class AutoconfigController {
  constructor(
    private readonly autoconfig: AutoconfigService,
    private readonly config: AppConfigService,
  ) {}

  @Get('mail/config-v1.1.xml')
  @Header('Content-Type', 'application/xml')
  configV11(@Req() request: HttpRequest): Promise<string> {
    return this.answer(request, false);
  }

  @Get('.well-known/autoconfig/mail/config-v1.1.xml')
  @Header('Content-Type', 'application/xml')
  wellKnown(@Req() request: HttpRequest): Promise<string> {
    return this.answer(request, true);
  }

  private answer(request: HttpRequest, wellKnown: boolean): Promise<string> {
    return this.autoconfig.document({
      emailAddress: queryParam(request, 'emailaddress'),
      emailDomain: queryParam(request, 'emaildomain'),
      host: requestHost(request, this.config.values.proxyCount),
      wellKnown,
    });
  }
}
