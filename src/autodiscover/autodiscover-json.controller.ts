import { Controller, Get, Header, Req, UseFilters } from '@nestjs/common';
import { ForwardedHeaders } from '../common/forwarded-headers';
import type { HttpRequest } from '../common/http-request';
import { QueriedDomain } from '../common/queried-domain';
import { AppConfigService } from '../config/app-config.service';
import { AutodiscoverJsonErrorFilter } from './autodiscover-json.filter';
import { queryParamIgnoringCase } from './autodiscover-json.query';
import { AutodiscoverJsonService } from './autodiscover-json.service';
import { jsonPathDomain, jsonQueryDomain } from './queried-domains';

/**
 * Public: Autodiscover v2 JSON, `?Email=<a>&Protocol=<P>` or `/v1.0/<a>?Protocol=<P>`
 * (paths case-insensitive; the address is used only for the access log's domain).
 * Errors are JSON, written by AutodiscoverJsonErrorFilter.
 */
@Controller('autodiscover/autodiscover.json')
@UseFilters(AutodiscoverJsonErrorFilter)
export class AutodiscoverJsonController {
  private readonly forwarded: ForwardedHeaders;

  constructor(
    private readonly autodiscoverJson: AutodiscoverJsonService,
    config: AppConfigService,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
  }

  @Get()
  @Header('Content-Type', 'application/json')
  @QueriedDomain(jsonQueryDomain)
  byQuery(@Req() request: HttpRequest): string {
    return this.answer(request);
  }

  @Get('v1.0/:address')
  @Header('Content-Type', 'application/json')
  @QueriedDomain(jsonPathDomain)
  byPath(@Req() request: HttpRequest): string {
    return this.answer(request);
  }

  private answer(request: HttpRequest): string {
    const endpoint = this.autodiscoverJson.endpoint({
      protocol: queryParamIgnoringCase(request, 'Protocol'),
      host: this.forwarded.host(request),
    });
    return JSON.stringify(endpoint);
  }
}
