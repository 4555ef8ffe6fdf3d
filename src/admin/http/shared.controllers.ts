import { Controller, Delete, Get, Param, Put, Req, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { HttpRequest } from '../../common/http-request';
import { AppConfigService } from '../../config/app-config.service';
import { sharedColumnsFromBody } from '../../provisioning/domain-document';
import { AdminError } from '../admin-error';
import { AdminStore, type SharedKind } from '../admin-store';
import { AdminAudit } from './admin-audit';
import {
  ADMIN_CONTROLLER_BASE,
  SHARED_KIND_SINGULAR,
  SHARED_KINDS,
  sharedPath,
} from './admin-paths';
import {
  AdminRoutes,
  ApiErrors,
  ApiPaging,
  ApiPreconditions,
  ApiRowId,
} from './admin-route.decorators';
import { sharedChanged, sharedDeleted } from './change-summaries';
import { readJsonBody } from './json-body';
import { DomainPage, SHARED_MODELS } from './openapi-models';
import { pageRequest, precondition, rowId } from './request-params';
import { NO_CONTENT, pageAnswer, sharedAnswer, type AdminAnswer } from './views';

const ETAG = {
  ETag: {
    description: 'the entity tag of the row (without domain_count)',
    schema: { type: 'string' },
  },
};

/**
 * The controller of one shared kind (`/servers`, `/davservers`, `/ldapservers`,
 * `/providers`): list, read, the domains using a row, replace, delete. The four are
 * alike but for their path, models and words, so one factory declares them.
 */
function sharedController(kind: SharedKind): Type<unknown> {
  const one = SHARED_KIND_SINGULAR[kind];
  const models = SHARED_MODELS[kind];

  @ApiTags(kind)
  @AdminRoutes()
  @Controller(`${ADMIN_CONTROLLER_BASE}/${kind}`)
  class SharedController {
    private readonly bodyLimit: number;

    constructor(
      private readonly store: AdminStore,
      private readonly audit: AdminAudit,
      config: AppConfigService,
    ) {
      this.bodyLimit = config.values.bodyLimit;
    }

    @Get()
    @ApiOperation({ summary: `Every ${one} in id order, paged, each with its domain_count` })
    @ApiPaging()
    @ApiOkResponse({ type: models.page, description: `One page of ${kind}` })
    @ApiErrors(400)
    async list(@Req() request: HttpRequest): Promise<AdminAnswer> {
      return pageAnswer(await this.store.listShared(kind, pageRequest(request)));
    }

    @Get(':id')
    @ApiOperation({ summary: `A ${one} with its domain_count` })
    @ApiRowId()
    @ApiOkResponse({ type: models.usage, description: `The ${one}`, headers: ETAG })
    @ApiErrors(400, 404)
    async get(@Param('id') param: string): Promise<AdminAnswer> {
      const view = await this.store.getShared(kind, rowId(param));
      if (view === null) throw notFound();
      return sharedAnswer(view);
    }

    @Get(':id/domains')
    @ApiOperation({ summary: `The domains using a ${one}, paged like GET /domains` })
    @ApiRowId()
    @ApiPaging()
    @ApiOkResponse({ type: DomainPage, description: `One page of the domains using the ${one}` })
    @ApiErrors(400, 404)
    async domains(@Req() request: HttpRequest, @Param('id') param: string): Promise<AdminAnswer> {
      const id = rowId(param);
      const page = await this.store.domainsUsing(kind, id, pageRequest(request));
      if (page === null) throw notFound();
      return pageAnswer(page);
    }

    @Put(':id')
    @ApiOperation({
      summary: `Replaces a ${one}'s columns, for every domain using it`,
      description: 'The body is the view; `id` and `domain_count` are ignored. One transaction.',
    })
    @ApiRowId()
    @ApiPreconditions(false)
    @ApiBody({ type: models.body })
    @ApiOkResponse({ type: models.usage, description: `The ${one} as stored now`, headers: ETAG })
    // Only a provider's write can collide with another row (its name is unique).
    @ApiErrors(400, 404, 412, 413, 415, ...(kind === 'providers' ? [409 as const] : []))
    async put(@Req() request: HttpRequest, @Param('id') param: string): Promise<AdminAnswer> {
      const id = rowId(param);
      const condition = precondition(request);
      const columns = sharedColumnsFromBody(kind, readJsonBody(request, this.bodyLimit));
      // Read for the audit summary only; the write checks the precondition itself.
      const before = await this.store.getShared(kind, id);
      const after = await this.store.putShared(kind, id, columns, condition);
      if (after === null) throw notFound();
      this.audit.record(request, sharedPath(kind, id), sharedChanged(kind, before, after));
      return sharedAnswer(after);
    }

    @Delete(':id')
    @ApiOperation({ summary: `Deletes a ${one} that no domain uses` })
    @ApiRowId()
    @ApiPreconditions(false)
    @ApiNoContentResponse({ description: 'Deleted' })
    @ApiErrors(400, 404, 409, 412)
    async delete(@Req() request: HttpRequest, @Param('id') param: string): Promise<AdminAnswer> {
      const id = rowId(param);
      if (!(await this.store.deleteShared(kind, id, precondition(request)))) throw notFound();
      this.audit.record(request, sharedPath(kind, id), sharedDeleted(kind, id));
      return NO_CONTENT;
    }
  }

  function notFound(): AdminError {
    return new AdminError(404, `${one} not found`);
  }

  // Distinct names: Nest's logs and the OpenAPI operation ids name controllers by class.
  Object.defineProperty(SharedController, 'name', {
    value: `${one[0]?.toUpperCase() ?? ''}${one.slice(1)}sController`,
  });
  return SharedController;
}

/** ServersController, DavserversController, LdapserversController, ProvidersController. */
export const SHARED_CONTROLLERS: readonly Type<unknown>[] = SHARED_KINDS.map(sharedController);
