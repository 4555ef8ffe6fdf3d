import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigService } from '../config/app-config.service';
import { ChangeBroadcast } from './change-broadcast.service';
import { dataSourceOptions } from './data-source-options';
import { DataChanges } from './data-changes';
import { DatabaseConnection } from './database-connection.service';
import { DomainSettingsRepository } from './domain-settings.repository';
import { SchemaService } from './schema.service';
import { SeedRepository } from './seed.repository';

/**
 * The data layer: one DataSource, its lifecycle, intention-named repositories, and the
 * announcement of changes to other processes (ChangeBroadcast).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        ...dataSourceOptions(config.values.database, config.values.dbEcho),
        // DatabaseConnection opens it, so an unreachable server does not stop start-up.
        manualInitialization: true,
      }),
    }),
  ],
  providers: [
    ChangeBroadcast,
    DatabaseConnection,
    DataChanges,
    DomainSettingsRepository,
    SchemaService,
    SeedRepository,
  ],
  exports: [
    DatabaseConnection,
    DataChanges,
    DomainSettingsRepository,
    SchemaService,
    SeedRepository,
  ],
})
export class DatabaseModule {}
