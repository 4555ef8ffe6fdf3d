import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RouteLabelGuard } from './route-label.guard';

/**
 * GET /metrics and the request measurements behind it. Global so that the database
 * and directory layers can report to MetricsService without importing this module.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, { provide: APP_GUARD, useClass: RouteLabelGuard }],
  exports: [MetricsService],
})
export class MetricsModule {}
