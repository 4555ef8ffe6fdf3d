import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ForwardedHeaders } from '../common/forwarded-headers';
import type { HttpRequest } from '../common/http-request';
import { routePatterns } from '../common/route-patterns';
import { AppConfigService } from '../config/app-config.service';
import { rateLimitKey } from './client-key';
import { FixedWindowCounter } from './fixed-window-counter';

/**
 * Routes whose answers tell whether an address or domain is configured (and so can
 * be used to enumerate them), as declared by their controllers.
 */
export const RATE_LIMITED_ROUTES: ReadonlySet<string> = new Set([
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/autodiscover/autodiscover.xml',
  '/mobileconfig',
]);

/** Most clients tracked at once (about 100 bytes each). */
export const MAX_TRACKED_CLIENTS = 100_000;

/**
 * Opt-in per-client limit (`rate_limit` requests per `rate_limit_window`) on the routes
 * of RATE_LIMITED_ROUTES: 429 with Retry-After beyond it. The client is the address
 * ForwardedHeaders gives (proxy_count and trusted_proxies); loopback clients are exempt
 * unless `rate_limit_loopback` is set; an unknown client is counted by its socket peer
 * (see rateLimitKey) and never exempt. The route is recognised by the handler that matched,
 * not by the raw URL, so no spelling of the path (case, trailing slash, escapes)
 * gets around it. Counters live in this process: each replica counts on its own.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly counter: FixedWindowCounter | null;
  private readonly limitedHandlers = new WeakMap<object, boolean>();
  private readonly forwarded: ForwardedHeaders;

  constructor(
    private readonly config: AppConfigService,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
    const { limit, windowMs } = config.values.rateLimit;
    this.counter =
      limit > 0 ? new FixedWindowCounter({ limit, windowMs, maxKeys: MAX_TRACKED_CLIENTS }) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.counter === null || context.getType() !== 'http') return true;
    if (!this.isLimited(context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const key = rateLimitKey(this.forwarded.client(request), this.config.values.rateLimit);
    if (key === null) return true;
    const verdict = this.counter.hit(key);
    if (verdict.allowed) return true;
    this.adapterHost.httpAdapter.setHeader(
      http.getResponse(),
      'Retry-After',
      String(verdict.retryAfterSeconds),
    );
    throw new HttpException('Too many requests', HttpStatus.TOO_MANY_REQUESTS);
  }

  private isLimited(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let limited = this.limitedHandlers.get(handler);
    if (limited === undefined) {
      limited = routePatterns(this.reflector, context).some((route) =>
        RATE_LIMITED_ROUTES.has(route),
      );
      this.limitedHandlers.set(handler, limited);
    }
    return limited;
  }
}
