import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  adminErrorAnswer,
  INTERNAL_ERROR,
  unmatchedAnswer,
  type ErrorAnswer,
} from '../admin/http/admin-error-answer';
import { sendErrorAnswer } from '../admin/http/error-reply';
import { isAdminApiPath, pathOf } from '../admin/http/admin-paths';
import { AppConfigService } from '../config/app-config.service';
import { DomainError } from './domain-error';
import { ERROR_STATUS } from './error-status';
import type { HttpRequest } from './http-request';
import { allowedMethods } from './known-routes';

const RETRY_AFTER_SECONDS = '5';

/**
 * Maps every error to a status and a short text/plain body: domain errors through the
 * one table in error-status.ts, unmatched routes to 404, 405 (with Allow) or the
 * OPTIONS answer, anything unexpected to 500 without details. While the admin API is
 * on, what reaches this filter under `/admin/api/` (unknown paths, wrong methods,
 * bodies refused before a route runs) is answered as the admin API's JSON instead.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly adminApi: boolean;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: AppConfigService,
  ) {
    this.adminApi = config.values.admin.tokensFile !== null;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response: unknown = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    if (this.adminApi && isAdminApiPath(request.url)) {
      sendErrorAnswer(adapter, response, this.adminAnswer(exception, request));
      return;
    }
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
      if (status === (HttpStatus.NO_CONTENT as number)) {
        adapter.reply(response, undefined, status);
        return;
      }
      adapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
      adapter.reply(response, body, status);
    };

    if (exception instanceof DomainError) {
      const status = ERROR_STATUS[exception.code];
      const headers: Record<string, string> =
        exception.code === 'BACKEND_UNAVAILABLE' ? { 'Retry-After': RETRY_AFTER_SECONDS } : {};
      reply(status, exception.message, headers);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === (HttpStatus.NOT_FOUND as number)) {
        this.replyUnmatched(request, reply);
        return;
      }
      reply(status, shortMessage(exception));
      return;
    }
    const statusFromLibrary = libraryStatus(exception);
    if (statusFromLibrary !== null) {
      reply(
        statusFromLibrary,
        statusFromLibrary === 413 ? 'Request body too large' : 'Bad request',
      );
      return;
    }
    this.logUnexpected(exception, request);
    reply(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }

  private adminAnswer(exception: unknown, request: HttpRequest): ErrorAnswer {
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      return unmatchedAnswer(request.method, allowedMethods(pathOf(request.url), true));
    }
    const answer = adminErrorAnswer(exception);
    if (answer !== null) return answer;
    this.logUnexpected(exception, request);
    return INTERNAL_ERROR;
  }

  private logUnexpected(exception: unknown, request: HttpRequest): void {
    const message =
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`unexpected error on ${request.method} ${pathOf(request.url)}: ${message}`);
  }

  private replyUnmatched(
    request: HttpRequest,
    reply: (status: number, body: string, headers?: Record<string, string>) => void,
  ): void {
    const path = request.url.split('?')[0] ?? '';
    // With the admin API on, the console's paths (`/admin/`) are known too.
    const methods = allowedMethods(path, this.adminApi);
    if (!methods) {
      reply(HttpStatus.NOT_FOUND, 'Not found');
      return;
    }
    const allow = [...methods, 'OPTIONS'].join(', ');
    if (request.method === 'OPTIONS') {
      reply(HttpStatus.NO_CONTENT, '', { Allow: allow });
      return;
    }
    reply(HttpStatus.METHOD_NOT_ALLOWED, 'Method not allowed', { Allow: allow });
  }
}

function shortMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}

/** Errors with an HTTP status raised by body parsers (payload too large, bad encoding). */
function libraryStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const status =
    (exception as { statusCode?: unknown; status?: unknown }).statusCode ??
    (exception as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
