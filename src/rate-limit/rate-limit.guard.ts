import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { isLoopback, resolveClientAddress } from '../common/client-address';
import type { HttpRequest } from '../common/http-request';
import { AppConfigService } from '../config/app-config.service';
import { clientKey } from './client-key';
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
 * resolveClientAddress gives (proxy_count-aware); loopback clients are exempt unless
 * `rate_limit_loopback` is set. The route is recognised by the handler that matched,
 * not by the raw URL, so no spelling of the path (case, trailing slash, escapes)
 * gets around it. Counters live in this process: each replica counts on its own.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly counter: FixedWindowCounter | null;
  private readonly limitedHandlers = new WeakMap<object, boolean>();

  constructor(
    private readonly config: AppConfigService,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const { limit, windowMs } = config.values.rateLimit;
    this.counter =
      limit > 0 ? new FixedWindowCounter({ limit, windowMs, maxKeys: MAX_TRACKED_CLIENTS }) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.counter === null || context.getType() !== 'http') return true;
    if (!this.isLimited(context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const client = resolveClientAddress(
      request.socket?.remoteAddress,
      request.headers['x-forwarded-for'],
      this.config.values.proxyCount,
    );
    if (!this.config.values.rateLimit.loopback && isLoopback(client)) return true;
    const verdict = this.counter.hit(clientKey(client));
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

/** The route patterns a handler serves (`/` + controller path + method path). */
function routePatterns(reflector: Reflector, context: ExecutionContext): string[] {
  const prefixes = paths(reflector.get<unknown>(PATH_METADATA, context.getClass()));
  const suffixes = paths(reflector.get<unknown>(PATH_METADATA, context.getHandler()));
  return prefixes.flatMap((prefix) =>
    suffixes.map((suffix) => {
      const joined = `/${prefix}/${suffix}`.replace(/\/{2,}/g, '/');
      return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
    }),
  );
}

function paths(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.filter((p): p is string => typeof p === 'string');
  return typeof metadata === 'string' ? [metadata] : [''];
}
