import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { HttpRequest } from '../common/http-request';
import { QueriedDomain } from '../common/queried-domain';
import { mediaType, rawBody } from '../common/request-body';
import { AutodiscoverService } from './autodiscover.service';
import { notePoxAddress, poxBodyDomain } from './queried-domains';

/**
 * Public: Outlook POX and ActiveSync (mobilesync) Autodiscover. The path is matched
 * case-insensitively by both adapters, so `/Autodiscover/Autodiscover.xml` and
 * `/AutoDiscover/AutoDiscover.xml` land here too. The `Authorization` header some
 * clients send (with the user's password) is never read.
 */
@Controller()
export class AutodiscoverController {
  constructor(private readonly autodiscover: AutodiscoverService) {}

  @Post('autodiscover/autodiscover.xml')
  @HttpCode(200)
  @Header('Content-Type', 'application/xml')
  @QueriedDomain(poxBodyDomain)
  answer(@Req() request: HttpRequest): Promise<string> {
    return this.autodiscover.document({
      mediaType: mediaType(request),
      body: rawBody(request),
      onAddress: (address) => notePoxAddress(request, address),
    });
  }
}
