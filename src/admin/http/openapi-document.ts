import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The admin API's OpenAPI 3 document, generated from the admin controllers' decorators
 * once at start-up (publishOpenApiDocument) and served as it is by GET /openapi.json.
 */
@Injectable()
export class OpenApiDocument {
  private json: string | null = null;

  set(document: OpenAPIObject): void {
    this.json = JSON.stringify(document);
  }

  /** The serialised document; throws when start-up has not built it (a wiring bug). */
  text(): string {
    if (this.json === null) throw new Error('the OpenAPI document was not built at start-up');
    return this.json;
  }
}
