import { Module } from '@nestjs/common';
import { AdminRepository } from '../database/admin.repository';
import { ExportRepository } from '../database/export.repository';
import { PreviewModule } from '../preview/preview.module';
import { AdminStore } from './admin-store';
import { AdminAuthModule } from './auth/admin-auth.module';
import { BulkService } from './bulk/bulk.service';
import { AdminAudit } from './http/admin-audit';
import { BulkController } from './http/bulk.controller';
import { DoctorController } from './http/doctor.controller';
import { DomainsController } from './http/domains.controller';
import { OpenApiController } from './http/openapi.controller';
import { OpenApiDocument } from './http/openapi-document';
import { PreviewController } from './http/preview.controller';
import { SHARED_CONTROLLERS } from './http/shared.controllers';

/**
 * The admin API (`/admin/api/v1/`, docs/admin-api.md): its controllers, the store they
 * use, bulk import/export, the doctor's findings, the clients' preview (PreviewModule),
 * the token guard and audit log (AdminAuthModule). AppModule
 * imports it only while `admin_tokens_file` is set; without it the paths are unknown.
 */
@Module({
  imports: [AdminAuthModule, PreviewModule],
  controllers: [
    DomainsController,
    DoctorController,
    PreviewController,
    ...SHARED_CONTROLLERS,
    BulkController,
    OpenApiController,
  ],
  providers: [
    { provide: AdminStore, useClass: AdminRepository },
    ExportRepository,
    BulkService,
    AdminAudit,
    OpenApiDocument,
  ],
})
export class AdminModule {}
