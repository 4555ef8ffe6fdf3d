import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HttpRequest } from '../../common/http-request';
import { adminErrorAnswer, INTERNAL_ERROR, type ErrorAnswer } from './admin-error-answer';
import { pathOf } from './admin-paths';
import { sendErrorAnswer } from './error-reply';

/**
 * Every error of an admin route (guards included) as the API's short JSON; anything
 * unexpected is logged once, with its stack, and answered 500 `{"error":"internal
 * error"}`. Bound to the admin controllers with @UseFilters.
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const answer = adminErrorAnswer(exception) ?? this.unexpected(exception, request);
    sendErrorAnswer(this.adapterHost.httpAdapter, http.getResponse(), answer);
  }

  private unexpected(exception: unknown, request: HttpRequest): ErrorAnswer {
    const message =
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`unexpected error on ${request.method} ${pathOf(request.url)}: ${message}`);
    return INTERNAL_ERROR;
  }
}
