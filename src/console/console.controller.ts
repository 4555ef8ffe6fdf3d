import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { pathOf } from '../admin/http/admin-paths';
import { headerValue, type HttpRequest } from '../common/http-request';
import type { ConsoleFile } from './console-assets';
import { CONSOLE_HEADERS, CONSOLE_PATH } from './console-headers';
import { ConsoleStore } from './console-store';

const TEXT = 'text/plain; charset=utf-8';
const NOT_BUILT = 'The web console is not built: run `npm run build`.';

/**
 * The web console (`/admin/`) and its built files (`/admin/assets/<file>`), from
 * memory. No token is needed here: the page asks for one and sends it to the admin
 * API. Status and headers go through the adapter, the same on Fastify and Express;
 * both route HEAD here and send no body.
 */
@Controller('admin')
export class ConsoleController {
  constructor(
    private readonly store: ConsoleStore,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The page; `/admin` (no trailing slash) redirects here, so relative URLs resolve. */
  @Get()
  page(
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Buffer | string | undefined {
    const url = request.url;
    if (!pathOf(url).endsWith('/')) {
      const query = url.indexOf('?');
      return this.answer(
        response,
        308,
        { Location: CONSOLE_PATH + (query < 0 ? '' : url.slice(query)) },
        '',
      );
    }
    const assets = this.store.assets;
    if (assets === null) return this.answer(response, 503, { 'Content-Type': TEXT }, NOT_BUILT);
    return this.file(request, response, assets.index);
  }

  @Get('assets/:file')
  asset(
    @Param('file') name: string,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Buffer | string | undefined {
    const assets = this.store.assets;
    if (assets === null) return this.answer(response, 503, { 'Content-Type': TEXT }, NOT_BUILT);
    const file = assets.files.get(name);
    if (file === undefined)
      return this.answer(response, 404, { 'Content-Type': TEXT }, 'Not found');
    return this.file(request, response, file);
  }

  private file(
    request: HttpRequest,
    response: unknown,
    file: ConsoleFile,
  ): Buffer | string | undefined {
    if (headerValue(request, 'if-none-match') === file.etag) {
      return this.answer(response, 304, { ETag: file.etag }, undefined);
    }
    return this.answer(
      response,
      200,
      { 'Content-Type': file.contentType, ETag: file.etag },
      file.body,
    );
  }

  private answer<T extends Buffer | string | undefined>(
    response: unknown,
    status: number,
    headers: Readonly<Record<string, string>>,
    body: T,
  ): T {
    const adapter = this.adapterHost.httpAdapter;
    adapter.status(response, status);
    for (const [name, value] of Object.entries({ ...CONSOLE_HEADERS, ...headers })) {
      adapter.setHeader(response, name, value);
    }
    return body;
  }
}
