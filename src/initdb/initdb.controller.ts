import { Controller, Delete, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { LocalhostGuard } from '../common/localhost.guard';
import type { HttpRequest } from '../common/http-request';
import { readJsonBody } from '../common/request-body';
import { InitDbService, type InitDbMessage } from './initdb.service';

const page = (message: InitDbMessage) =>
  `<html><body>${message}. <a href="/">Click here</a> to go back.</body></html>`;

/** Administrative: loopback clients only (LocalhostGuard). */
@Controller('initdb')
@UseGuards(LocalhostGuard)
export class InitDbController {
  constructor(private readonly initDb: InitDbService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async prepare(): Promise<string> {
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
}
