import type { ServerResponse } from 'node:http';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routePatterns } from '../common/route-patterns';
import { ROUTE_LABEL } from './metrics.service';

type LabelledResponse = ServerResponse & { [ROUTE_LABEL]?: string };

/**
 * Never refuses. Tells MetricsService which route a request matched, as the route's
 * pattern (`/autodiscover/autodiscover.json/v1.0/:address`), never the raw URL. A
 * global guard runs before controller guards and every interceptor, so requests that
 * a later guard refuses (LocalhostGuard's 403 on /initdb/) still count under their
 * route. The label is computed once per handler.
 */
@Injectable()
export class RouteLabelGuard implements CanActivate {
  private readonly labels = new WeakMap<object, string>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    // Fastify wraps Node's response in `raw`; Express's response is Node's response.
    const response = context
      .switchToHttp()
      .getResponse<{ raw?: ServerResponse } & Partial<ServerResponse>>();
    const raw = (response.raw ?? response) as LabelledResponse;
    const handler = context.getHandler();
    let label = this.labels.get(handler);
    if (label === undefined) {
      label = this.routePattern(context);
      this.labels.set(handler, label);
    }
    raw[ROUTE_LABEL] = label;
    return true;
  }

  private routePattern(context: ExecutionContext): string {
    return routePatterns(this.reflector, context).join('|');
  }
}
