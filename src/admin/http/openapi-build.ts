import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildInfo } from '../../common/build-info';
import { AdminModule } from '../admin.module';
import { OpenApiDocument } from './openapi-document';

/** Builds the OpenAPI document of the admin routes (AdminModule's controllers only). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('automx2-nest admin API')
    .setDescription(
      'Read and change providers, domains and servers (docs/admin-api.md). Every route ' +
        'needs `Authorization: Bearer <token>` (tokens: `automx2-nest token create`).',
    )
    .setVersion(buildInfo().version)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, {
    include: [AdminModule],
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

/**
 * Builds the document into the app's OpenApiDocument, once, after the app is created
 * (createApp calls it when the API is on). It reads only decorators, no request.
 */
export function publishOpenApiDocument(app: INestApplication): void {
  app.get(OpenApiDocument).set(buildOpenApiDocument(app));
}
