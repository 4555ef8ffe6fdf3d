import { applyDecorators, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminAuthGuard } from '../auth/admin-auth.guard';
import { AdminAnswerInterceptor } from './admin-answer.interceptor';
import { AdminExceptionFilter } from './admin-exception.filter';
import { ErrorBody } from './openapi-models';
import { MAX_DOMAIN_NAME_LENGTH, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT } from './request-params';

/** What each error status of the admin API means, for the OpenAPI document. */
const ERROR_MEANING = {
  400: 'An invalid parameter or document; `problems` lists every problem of a document',
  401: 'No valid bearer token',
  404: 'No such resource',
  409: 'Refused because of other rows (in use, name taken)',
  412: 'The If-Match / If-None-Match precondition failed',
  413: 'The body is too large',
  415: 'The body is not application/json',
  429: 'Too many failed authentications from this client; retry after Retry-After',
  500: 'An unexpected error (logged)',
  503: 'The database is unavailable; retry after Retry-After',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANING;

const HEADERS: Partial<
  Record<ErrorStatus, Record<string, { description: string; schema: object }>>
> = {
  401: {
    'WWW-Authenticate': {
      description: 'Bearer realm="automx2-nest admin"',
      schema: { type: 'string' },
    },
  },
  429: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
  503: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
};

/** The error answers a route can give (ErrorBody), besides those of every route. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_MEANING[status],
        type: ErrorBody,
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
      }),
    ),
  );
}

/**
 * What every admin controller has: the bearer-token guard, the JSON error filter, the
 * answer writer, and in the OpenAPI document the bearer scheme and the errors any
 * route can answer (401, 429, 500, 503).
 */
export function AdminRoutes(): ClassDecorator {
  return applyDecorators(
    UseGuards(AdminAuthGuard),
    UseFilters(AdminExceptionFilter),
    UseInterceptors(AdminAnswerInterceptor),
    ApiBearerAuth(),
    ApiErrors(401, 429, 500, 503),
  );
}

/** `?limit=` and `?cursor=` of a paged list. */
export function ApiPaging(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: 'the `next_cursor` of the previous page',
    }),
  );
}

/** The `{name}` of a domain path. */
export function ApiDomainName(): MethodDecorator {
  return ApiParam({
    name: 'name',
    description: 'the domain, case-insensitive, in either IDN form',
    schema: { type: 'string', minLength: 1, maxLength: MAX_DOMAIN_NAME_LENGTH },
  });
}

/** The `{id}` of a shared row's path. */
export function ApiRowId(): MethodDecorator {
  return ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } });
}

/** `If-Match` / `If-None-Match` of a write. */
export function ApiPreconditions(ifNoneMatch: boolean): MethodDecorator {
  const ifMatch = ApiHeaderDoc(
    'If-Match',
    'an ETag of the resource (or *): 412 when it changed meanwhile or is gone',
  );
  if (!ifNoneMatch) return ifMatch;
  return applyDecorators(
    ifMatch,
    ApiHeaderDoc('If-None-Match', '* only: 412 when the resource exists already'),
  );
}

function ApiHeaderDoc(name: string, description: string): MethodDecorator {
  return ApiHeader({ name, required: false, description, schema: { type: 'string' } });
}
