import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { AppConfigService } from '../config/app-config.service';
import { resolveClientAddress } from './client-address';
import type { HttpRequest } from './http-request';

/**
 * One INFO line per request: client address (proxy_count-aware), method, path without
 * query, status, milliseconds. Never headers, never query values. AppModule registers it
 * only when INFO is on (not at the default WARNING).
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Access');

  constructor(private readonly config: AppConfigService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const started = performance.now();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    // Fastify wraps Node's response in `raw`; Express's response is Node's response.
    const response = http.getResponse<{ raw?: ServerResponse } & Partial<ServerResponse>>();
    const raw = response.raw ?? (response as ServerResponse);
    raw.once('finish', () => this.logger.log(this.line(request, raw.statusCode, started)));
    return next.handle();
  }

  private line(request: HttpRequest, status: number, started: number): string {
    const client = resolveClientAddress(
      request.socket?.remoteAddress,
      request.headers['x-forwarded-for'],
      this.config.values.proxyCount,
    );
    const path = request.url.split('?')[0] ?? '';
    const ms = (performance.now() - started).toFixed(1);
    return `${client} ${request.method} ${path} ${status} ${ms}ms`;
  }
}
