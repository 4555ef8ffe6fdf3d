import { Controller, Delete, Get, Param, Put, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { HttpRequest } from '../../common/http-request';
import { AppConfigService } from '../../config/app-config.service';
import { planFromDomainDocument } from '../../provisioning/domain-document';
import { AdminError } from '../admin-error';
import { AdminStore } from '../admin-store';
import { AdminAudit } from './admin-audit';
import { ADMIN_CONTROLLER_BASE, domainPath } from './admin-paths';
import {
  AdminRoutes,
  ApiDomainName,
  ApiErrors,
  ApiPaging,
  ApiPreconditions,
} from './admin-route.decorators';
import { domainDeleted, domainWritten } from './change-summaries';
import { readJsonBody } from './json-body';
import { DomainBody, DomainPage, DomainView } from './openapi-models';
import { domainName, pageRequest, precondition, searchText } from './request-params';
import { domainAnswer, domainPutAnswer, NO_CONTENT, pageAnswer, type AdminAnswer } from './views';

const ETAG = { ETag: { description: 'the entity tag of the view', schema: { type: 'string' } } };

/** `/admin/api/v1/domains`: list, read, create or replace, delete (docs/admin-api.md). */
@ApiTags('domains')
@AdminRoutes()
@Controller(`${ADMIN_CONTROLLER_BASE}/domains`)
export class DomainsController {
  private readonly bodyLimit: number;

  constructor(
    private readonly store: AdminStore,
    private readonly audit: AdminAudit,
    config: AppConfigService,
  ) {
    this.bodyLimit = config.values.bodyLimit;
  }

  @Get()
  @ApiOperation({ summary: 'Domains in name order, paged' })
  @ApiQuery({
    name: 'search',
    required: false,
    description: 'keeps names containing the text (any case, either IDN form)',
    schema: { type: 'string' },
  })
  @ApiPaging()
  @ApiOkResponse({ type: DomainPage, description: 'One page of domains' })
  @ApiErrors(400)
  async list(@Req() request: HttpRequest): Promise<AdminAnswer> {
    return pageAnswer(await this.store.listDomains(pageRequest(request), searchText(request)));
  }

  @Get(':name')
  @ApiOperation({ summary: 'A domain and its settings' })
  @ApiDomainName()
  @ApiOkResponse({ type: DomainView, description: 'The domain view', headers: ETAG })
  @ApiErrors(400, 404)
  async get(@Param('name') param: string): Promise<AdminAnswer> {
    const view = await this.store.getDomain(domainName(param));
    if (view === null) throw notFound();
    return domainAnswer(view);
  }

  @Put(':name')
  @ApiOperation({
    summary: "Creates or replaces a domain's settings",
    description:
      'The semantics of `automx2-nest import --merge` for one domain: identical servers, ' +
      'LDAP servers and providers (by name) are reused; rows no domain uses any more ' +
      'afterwards are deleted. One transaction.',
  })
  @ApiDomainName()
  @ApiPreconditions(true)
  @ApiBody({ type: DomainBody })
  @ApiOkResponse({ type: DomainView, description: 'Replaced', headers: ETAG })
  @ApiCreatedResponse({
    type: DomainView,
    description: 'Created',
    headers: {
      ...ETAG,
      Location: { description: 'the domain’s path (stored name)', schema: { type: 'string' } },
    },
  })
  @ApiErrors(400, 412, 413, 415)
  async put(@Req() request: HttpRequest, @Param('name') param: string): Promise<AdminAnswer> {
    const name = domainName(param);
    const condition = precondition(request);
    const body = readJsonBody(request, this.bodyLimit);
    const plan = planFromDomainDocument(name, body);
    // Without a `name`, the path's case or IDN form does not rename a stored domain.
    const namesItself = typeof body === 'object' && body !== null && 'name' in body;
    const result = await this.store.putDomain(plan, condition, !namesItself);
    this.audit.record(
      request,
      domainPath(result.view.name),
      domainWritten(result.created, result.view),
    );
    return domainPutAnswer(result);
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Deletes a domain and the rows nobody uses any more' })
  @ApiDomainName()
  @ApiPreconditions(false)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 412)
  async delete(@Req() request: HttpRequest, @Param('name') param: string): Promise<AdminAnswer> {
    const name = domainName(param);
    if (!(await this.store.deleteDomain(name, precondition(request)))) throw notFound();
    this.audit.record(request, domainPath(name), domainDeleted(name));
    return NO_CONTENT;
  }
}

function notFound(): AdminError {
  return new AdminError(404, 'domain not found');
}
