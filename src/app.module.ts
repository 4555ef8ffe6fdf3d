import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AutoconfigModule } from './autoconfig/autoconfig.module';
import { AutodiscoverModule } from './autodiscover/autodiscover.module';
import { AccessLogInterceptor } from './common/access-log.interceptor';
import { AppExceptionFilter } from './common/exception.filter';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { InitDbModule } from './initdb/initdb.module';
import { MetricsModule } from './metrics/metrics.module';
import { MobileconfigModule } from './mobileconfig/mobileconfig.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SiteModule } from './site/site.module';

const accessLogEnabled = (level: AppConfig['loglevel']) => level === 'DEBUG' || level === 'INFO';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule,
        SiteModule,
        AutoconfigModule,
        AutodiscoverModule,
        MobileconfigModule,
        InitDbModule,
        HealthModule,
        MetricsModule,
        RateLimitModule,
        // The admin API and its web console exist only while a token file is configured.
        ...(config.admin.tokensFile === null ? [] : [AdminModule, ConsoleModule]),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AppExceptionFilter },
        // Every global interceptor costs each request two async-context wrappers, so
        // the access log is wired only when its level (INFO) is on.
        ...(accessLogEnabled(config.loglevel)
          ? [{ provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor }]
          : []),
      ],
    };
  }
}
