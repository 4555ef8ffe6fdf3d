import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Options,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { allowedMethods } from '../common/known-routes';
import { LocalhostGuard } from '../common/localhost.guard';
import type { HttpRequest } from '../common/http-request';
import { readJsonBody } from '../common/request-body';
import { InitDbService, type InitDbMessage } from './initdb.service';

const page = (message: InitDbMessage) =>
  `<html><body>${message}. <a href="/">Click here</a> to go back.</body></html>`;

/** The Allow header of /initdb/ (what the exception filter answers on other paths). */
const ALLOW = [...(allowedMethods('/initdb/') ?? []), 'OPTIONS'].join(', ');

/**
 * Administrative: every method, HEAD and OPTIONS included, goes through LocalhostGuard
 * (`initdb`, loopback client, loopback Host). OPTIONS has its own handler so that the
 * guard sees it too (elsewhere the exception filter answers it).
 */
@Controller('initdb')
@UseGuards(LocalhostGuard)
export class InitDbController {
  constructor(private readonly initDb: InitDbService) {}

  /** Both adapters route HEAD here: it answers with headers only and changes nothing. */
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async prepare(@Req() request: HttpRequest): Promise<string> {
    if (request.method === 'HEAD') return '';
    return page(await this.initDb.prepareWithSampleData());
  }

  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  async load(@Req() request: HttpRequest): Promise<string> {
    return page(await this.initDb.prepareWithDocument(readJsonBody(request)));
  }

  @Delete()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async purge(): Promise<string> {
    return page(await this.initDb.purge());
  }

  @Options()
  @HttpCode(204)
  @Header('Allow', ALLOW)
  options(): void {
    // 204 with Allow, for the clients the guard lets in.
  }
}
