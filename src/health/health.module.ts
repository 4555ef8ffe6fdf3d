import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

/** GET /healthz/live and /healthz/ready. Needs DatabaseConnection (DatabaseModule is global). */
@Module({
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
