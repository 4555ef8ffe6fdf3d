import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { AdminAnswer, JSON_TYPE } from './views';

/**
 * Writes the AdminAnswer an admin handler returns: its status and headers through the
 * adapter (the same on Fastify and Express), `application/json; charset=utf-8`, and its
 * body as the value Nest sends. Anything else (the export's StreamableFile) passes.
 */
@Injectable()
export class AdminAnswerInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof AdminAnswer)) return result;
        const adapter = this.adapterHost.httpAdapter;
        adapter.status(response, result.status);
        for (const [name, value] of Object.entries(result.headers)) {
          adapter.setHeader(response, name, value);
        }
        if (result.body === undefined) return undefined;
        adapter.setHeader(response, 'Content-Type', JSON_TYPE);
        return result.body;
      }),
    );
  }
}
