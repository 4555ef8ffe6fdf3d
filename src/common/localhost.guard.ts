import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { DomainError } from './domain-error';
import { ForwardedHeaders } from './forwarded-headers';
import { headerValue, type HttpRequest } from './http-request';
import { initDbAllowed } from './initdb-access';

/**
 * Guards /initdb/ (every method, HEAD and OPTIONS included): 403 unless initDbAllowed
 * says yes — `initdb = loopback`, a loopback client after the trusted proxies, and a
 * loopback Host (and X-Forwarded-Host, when a trusted proxy sent it).
 */
@Injectable()
export class LocalhostGuard implements CanActivate {
  private readonly forwarded: ForwardedHeaders;

  constructor(private readonly config: AppConfigService) {
    this.forwarded = ForwardedHeaders.of(config.values);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const { initdb, host } = this.config.values;
    const allowed = initDbAllowed(
      initdb,
      {
        client: this.forwarded.client(request).address,
        hosts: [headerValue(request, 'host'), this.forwarded.host(request)],
      },
      host,
    );
    if (!allowed) throw new DomainError('FORBIDDEN', 'Access denied');
    return true;
  }
}
