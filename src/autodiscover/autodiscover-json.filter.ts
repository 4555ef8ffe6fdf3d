import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AutodiscoverJsonError, type AutodiscoverJsonErrorCode } from './autodiscover-json.errors';

/** The one code → HTTP status table of the v2 JSON endpoint. */
export const AUTODISCOVER_JSON_ERROR_STATUS = {
  InvalidProtocol: 400,
  InvalidHost: 400,
} as const satisfies Record<AutodiscoverJsonErrorCode, number>;

/**
 * Writes AutodiscoverJsonError as the JSON error body Outlook reads
 * (`{"ErrorCode":…,"ErrorMessage":…}`, `application/json`), through the adapter host
 * so it works the same on Fastify and Express. Other errors go on to the global filter.
 */
@Catch(AutodiscoverJsonError)
export class AutodiscoverJsonErrorFilter implements ExceptionFilter<AutodiscoverJsonError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AutodiscoverJsonError, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const body = JSON.stringify({ ErrorCode: error.code, ErrorMessage: error.message });
    adapter.setHeader(response, 'Content-Type', 'application/json');
    adapter.reply(response, body, AUTODISCOVER_JSON_ERROR_STATUS[error.code]);
  }
}
