import { Injectable } from '@nestjs/common';
import { ForwardedHeaders, UNKNOWN_CLIENT } from '../../common/forwarded-headers';
import type { HttpRequest } from '../../common/http-request';
import { AppConfigService } from '../../config/app-config.service';
import { AuditLog } from '../audit/audit-log';
import { adminTokenName } from '../auth/admin-request';

/**
 * The audit line of one successful change: the token's name (set by AdminAuthGuard), the
 * client as the access log reads it (proxy_count and trusted_proxies aware), the
 * method, the resource's canonical path and the change summary (change-summaries.ts).
 */
@Injectable()
export class AdminAudit {
  private readonly forwarded: ForwardedHeaders;

  constructor(
    private readonly log: AuditLog,
    config: AppConfigService,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
  }

  record(request: HttpRequest, resource: string, change: string): void {
    this.log.record({
      token: adminTokenName(request),
      client: this.forwarded.client(request).address ?? UNKNOWN_CLIENT,
      method: request.method,
      resource,
      change,
    });
  }
}
