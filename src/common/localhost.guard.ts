import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { isLoopback, resolveClientAddress } from './client-address';
import { DomainError } from './domain-error';
import type { HttpRequest } from './http-request';

/** Lets only loopback clients in (after `proxy_count` trusted hops); others get 403. */
@Injectable()
export class LocalhostGuard implements CanActivate {
  constructor(private readonly config: AppConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const client = resolveClientAddress(
      request.socket?.remoteAddress,
      request.headers['x-forwarded-for'],
      this.config.values.proxyCount,
    );
    if (!isLoopback(client)) {
      throw new DomainError('FORBIDDEN', 'Access denied');
    }
    return true;
  }
}
