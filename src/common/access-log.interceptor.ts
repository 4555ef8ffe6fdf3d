import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { AppConfigService } from '../config/app-config.service';
import { AccessLogRecord, elapsedMs } from './access-log-record';
import { ForwardedHeaders, UNKNOWN_CLIENT } from './forwarded-headers';
import type { HttpRequest } from './http-request';
import { QUERIED_DOMAIN_READER, type QueriedDomainReader } from './queried-domain';
import { routePatterns } from './route-patterns';

/** What the access log knows about a handler, worked out once per handler. */
interface HandlerRoute {
  /** Its route pattern(s), as the metrics' `route` label: never the raw path. */
  readonly route: string;
  readonly readDomain: QueriedDomainReader | undefined;
}

/**
 * One INFO line per answered request (AccessLogRecord): method, route pattern, status,
 * milliseconds, client address (proxy_count and trusted_proxies aware; `unknown` when a
 * trusted proxy did not say), and the domain the request asked about, read where the
 * handler declares (@QueriedDomain) — never the local part, never headers, query values
 * or the raw path. The domain is read after the answer is sent, and not for requests
 * refused as client errors (4xx): their address is missing or invalid, and a hostile
 * Autodiscover body is not read twice. AppModule registers the interceptor only when
 * INFO is on (not at the default WARNING).
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Access');
  private readonly forwarded: ForwardedHeaders;
  private readonly routes = new WeakMap<object, HandlerRoute>();

  constructor(
    config: AppConfigService,
    private readonly reflector: Reflector,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const started = performance.now();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const route = this.route(context);
    // Fastify wraps Node's response in `raw`; Express's response is Node's response.
    const response = http.getResponse<{ raw?: ServerResponse } & Partial<ServerResponse>>();
    const raw = response.raw ?? (response as ServerResponse);
    raw.once('finish', () => this.logger.log(this.record(request, route, raw.statusCode, started)));
    return next.handle();
  }

  private route(context: ExecutionContext): HandlerRoute {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (route === undefined) {
      route = {
        route: routePatterns(this.reflector, context).join('|'),
        readDomain: this.reflector.getAllAndOverride<QueriedDomainReader | undefined>(
          QUERIED_DOMAIN_READER,
          [handler, context.getClass()],
        ),
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  private record(
    request: HttpRequest,
    { route, readDomain }: HandlerRoute,
    status: number,
    started: number,
  ): AccessLogRecord {
    const clientError = status >= 400 && status < 500;
    return new AccessLogRecord({
      method: request.method,
      route,
      status,
      ms: elapsedMs(started),
      client: this.forwarded.client(request).address ?? UNKNOWN_CLIENT,
      domain: readDomain === undefined || clientError ? undefined : safely(readDomain, request),
    });
  }
}

/** A reader's answer; a reader that throws (a bug) costs the field, not the process. */
function safely(read: QueriedDomainReader, request: HttpRequest): string | undefined {
  try {
    return read(request);
  } catch {
    return undefined;
  }
}
