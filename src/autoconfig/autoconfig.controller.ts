import { Controller, Get, Header, Req } from '@nestjs/common';
import { ForwardedHeaders } from '../common/forwarded-headers';
import type { HttpRequest } from '../common/http-request';
import { QueriedDomain } from '../common/queried-domain';
import { queryParam } from '../common/request-query';
import { AppConfigService } from '../config/app-config.service';
import { domainOfAddress, domainOfDomainName } from '../mail-settings/address-domain';
import { AutoconfigService } from './autoconfig.service';

/** The access log's domain: `emailaddress`'s, else `emaildomain`, as the service reads them. */
function queriedDomain(request: HttpRequest): string | undefined {
  const address = queryParam(request, 'emailaddress');
  if (address?.trim()) return domainOfAddress(address);
  return domainOfDomainName(queryParam(request, 'emaildomain'));
}

/** Public: Mozilla clientConfig for Thunderbird, K-9, Evolution, KMail. */
@Controller()
@QueriedDomain(queriedDomain)
export class AutoconfigController {
  private readonly forwarded: ForwardedHeaders;

  constructor(
    private readonly autoconfig: AutoconfigService,
    config: AppConfigService,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
  }

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
      host: this.forwarded.host(request),
      wellKnown,
    });
  }
}
