import { Controller, Get, Header, Req, UseFilters } from '@nestjs/common';
import type { HttpRequest } from '../common/http-request';
import { requestHost } from '../common/request-host';
import { AppConfigService } from '../config/app-config.service';
import { AutodiscoverJsonErrorFilter } from './autodiscover-json.filter';
import { queryParamIgnoringCase } from './autodiscover-json.query';
import { AutodiscoverJsonService } from './autodiscover-json.service';

/**
 * Public: Autodiscover v2 JSON, `?Email=<a>&Protocol=<P>` or `/v1.0/<a>?Protocol=<P>`
 * (paths case-insensitive; the address is not used). Errors are JSON, written by
 * AutodiscoverJsonErrorFilter.
 */
@Controller('autodiscover/autodiscover.json')
@UseFilters(AutodiscoverJsonErrorFilter)
export class AutodiscoverJsonController {
  constructor(
    private readonly autodiscoverJson: AutodiscoverJsonService,
    private readonly config: AppConfigService,
  ) {}

  @Get()
  @Header('Content-Type', 'application/json')
  byQuery(@Req() request: HttpRequest): string {
    return this.answer(request);
  }

  @Get('v1.0/:address')
  @Header('Content-Type', 'application/json')
  byPath(@Req() request: HttpRequest): string {
    return this.answer(request);
  }

  private answer(request: HttpRequest): string {
    const endpoint = this.autodiscoverJson.endpoint({
      protocol: queryParamIgnoringCase(request, 'Protocol'),
      host: requestHost(request, this.config.values.proxyCount),
    });
    return JSON.stringify(endpoint);
  }
}
