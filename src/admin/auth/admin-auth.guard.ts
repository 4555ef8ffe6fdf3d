import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForwardedHeaders, UNKNOWN_CLIENT } from '../../common/forwarded-headers';
import type { HttpRequest } from '../../common/http-request';
import { routePatterns } from '../../common/route-patterns';
import { AppConfigService } from '../../config/app-config.service';
import { clientKey, rateLimitKey } from '../../rate-limit/client-key';
import { AdminError } from '../admin-error';
import { rememberAdminTokenName } from './admin-request';
import { AuthFailures } from './auth-failures';
import { AuthBlockedRecord, AuthFailureRecord, type AuthFailureReason } from './auth-log-records';
import { readBearerCredentials } from './bearer-credentials';
import { TokenStore } from './token-store';

export const ADMIN_REALM = 'Bearer realm="automx2-nest admin"';

/**
 * The admin API's authentication: `Authorization: Bearer <token>` with a token of the
 * token file (TokenStore). A failure is answered 401 with WWW-Authenticate (and
 * `error="invalid_token"` when a token was given), logged in one WARNING line (client,
 * method, route; never the token) and counted for the client (ForwardedHeaders, as the
 * access log and the rate limit see it; IPv6 by /64). Beyond `admin_auth_failures`
 * failures within a minute the client gets 429 with Retry-After until the minute ends,
 * without its token being checked. On success the token's name is kept for
 * adminTokenName(request).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger('AdminAuth');
  private readonly forwarded: ForwardedHeaders;
  private readonly failures: AuthFailures;

  constructor(
    config: AppConfigService,
    private readonly tokens: TokenStore,
    private readonly reflector: Reflector,
  ) {
    this.forwarded = ForwardedHeaders.of(config.values);
    this.failures = new AuthFailures(config.values.admin.authFailures);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const client = this.forwarded.client(request);
    // Every client is counted, loopback too; an unknown one by its proxy (see rateLimitKey).
    const key = rateLimitKey(client, { loopback: true }) ?? clientKey(client.peer);
    const refusedFor = this.failures.refusedFor(key);
    if (refusedFor !== null) throw tooManyFailures(refusedFor);
    const credentials = readBearerCredentials(request.headers.authorization);
    const name = credentials.kind === 'token' ? await this.tokens.verify(credentials.token) : null;
    if (name !== null) {
      rememberAdminTokenName(request, name);
      return true;
    }
    const reason: AuthFailureReason =
      credentials.kind === 'none'
        ? 'no bearer token'
        : credentials.kind === 'malformed'
          ? 'malformed bearer credentials'
          : 'invalid token';
    const counted = this.failures.fail(key);
    if (!counted.withinLimit) throw tooManyFailures(this.failures.refusedFor(key) ?? 1);
    const address = client.address ?? UNKNOWN_CLIENT;
    this.logger.warn(
      new AuthFailureRecord({
        client: address,
        method: request.method,
        route: routePatterns(this.reflector, context).join('|'),
        reason,
      }),
    );
    if (counted.blockedForSeconds !== null) {
      this.logger.warn(
        new AuthBlockedRecord(address, this.failures.perMinute, counted.blockedForSeconds),
      );
    }
    const challenge =
      credentials.kind === 'none' ? ADMIN_REALM : `${ADMIN_REALM}, error="invalid_token"`;
    throw new AdminError(401, 'missing or invalid bearer token', {
      headers: { 'WWW-Authenticate': challenge },
    });
  }
}

function tooManyFailures(retryAfterSeconds: number): AdminError {
  return new AdminError(429, 'too many failed authentications', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}
