import { Controller, Get, Header } from '@nestjs/common';
import { SchemaService } from '../database/schema.service';

const SAMPLE_URL = '/mail/config-v1.1.xml?emailaddress=user@example.com';

/** The root page: a pointer to a sample request, or to /initdb/ on a fresh database. */
@Controller()
export class SiteController {
  constructor(private readonly schema: SchemaService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async root(): Promise<string> {
    const ready = await this.schema.hasTables();
    const body = ready
      ? `<p>Try <a href="${SAMPLE_URL}">a sample autoconfig request</a>.</p>`
      : '<p>The database has no tables yet. Initialise it from this host with ' +
        '<code>curl http://127.0.0.1:4243/initdb/</code> (sample data) or ' +
        '<code>npx automx2-nest migrate</code>.</p>';
    return `<!DOCTYPE html><html><head><title>automx2</title></head><body><h1>automx2</h1>${body}</body></html>`;
  }
}
