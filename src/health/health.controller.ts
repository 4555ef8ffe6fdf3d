import { Controller, Get, Header } from '@nestjs/common';
import { ReadinessService } from './readiness.service';

/**
 * Liveness and readiness probes. Unguarded (kubelet probes come from the node's
 * address), but not public: reverse proxies and the Ingress do not pass /healthz on.
 */
@Controller('healthz')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process is up and its event loop answers. No I/O. */
  @Get('live')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  live(): string {
    return 'ok';
  }

  /** The database answers and has automx2's tables; 503 with Retry-After and why otherwise. */
  @Get('ready')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async ready(): Promise<string> {
    await this.readiness.check();
    return 'ok';
  }
}
