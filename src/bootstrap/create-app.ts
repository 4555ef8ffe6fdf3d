import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { INestApplication, LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorBody } from '../admin/http/admin-error-answer';
import { isAdminApiPath, isImportPath } from '../admin/http/admin-paths';
import { publishOpenApiDocument } from '../admin/http/openapi-build';
import { JSON_TYPE } from '../admin/http/views';
import { AppModule } from '../app.module';
import type { AppConfig } from '../config/app-config';
import {
  HTTP_SERVER_OPTIONS,
  NODE_MAX_HEADERS_COUNT,
  SERVER_LIMITS,
  TOO_MANY_HEADERS_MESSAGE,
  TOO_MANY_HEADERS_STATUS,
  tooManyHeaders,
} from './server-limits';
import { answerClientError, BAD_REQUEST_MESSAGE, isMalformedPath } from './client-errors';
import { answerConnect, dropUnusableContentType } from './request-framing';
import { trailingSlashRedirect } from './trailing-slash';

/**
 * Builds the application on the configured HTTP adapter. Everything adapter-specific
 * lives here: every request body arrives as raw bytes (controllers parse XML and JSON
 * themselves, the same way on both adapters), limited to `body_limit` — except the
 * admin API's `POST /import`, limited to `admin_import_limit`. With the admin API on,
 * its OpenAPI document is built here, once the application exists.
 */
export async function createApp(
  config: AppConfig,
  logger: LoggerService,
): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  const app =
    config.httpAdapter === 'express'
      ? await createExpressApp(module, config, logger)
      : await createFastifyApp(module, config, logger);
  // No enableShutdownHooks(): serve.ts owns SIGTERM/SIGINT (close, then exit 0). Nest's
  // own handler would race it and re-raise the signal, ending the process by SIGTERM.
  // app.close() still runs every onApplicationShutdown hook.
  if (adminApiOn(config)) publishOpenApiDocument(app);
  return app;
}

const adminApiOn = (config: AppConfig) => config.admin.tokensFile !== null;

/**
 * The short answer to a request target the framework refuses before routing (a path
 * whose percent escapes do not decode): text, or the admin API's JSON under its paths.
 */
function badRequestAnswer(config: AppConfig, url: string): { type: string; body: string } {
  return adminApiOn(config) && isAdminApiPath(url)
    ? { type: JSON_TYPE, body: errorBody('bad request') }
    : { type: 'text/plain; charset=utf-8', body: BAD_REQUEST_MESSAGE };
}

/** Whether a request's body may be `admin_import_limit` long (POST /import, API on). */
function takesImportLimit(config: AppConfig, url: string): boolean {
  return adminApiOn(config) && isImportPath(url);
}

async function createFastifyApp(
  module: ReturnType<typeof AppModule.forRoot>,
  config: AppConfig,
  logger: LoggerService,
): Promise<INestApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    // A parameter as long as a whole request head: Express has no such limit, and a
    // long `/v1.0/<address>` gets the address parser's answer on both adapters.
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: SERVER_LIMITS.maxHeaderSize,
    },
    // Errors Fastify answers itself get our short text/plain (the admin API's JSON under
    // its paths), never Fastify's JSON (which echoes the URL, query and all): an
    // undecodable path, and the parser's refusals.
    // (Fastify's reply type is generic over route schemas; only code/header/send are used.)
    frameworkErrors: (_error: unknown, request: { url: string }, reply: unknown) => {
      const answer = badRequestAnswer(config, request.url);
      (reply as TextReply).code(400).header('Content-Type', answer.type).send(answer.body);
    },
    clientErrorHandler: answerClientError,
    logger: false,
    trustProxy: false,
    // While closing, Fastify would answer in its own JSON; connection-drain.ts has
    // already marked every answer `Connection: close`, so requests are served to the end.
    return503OnClosing: false,
    requestTimeout: SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    http: HTTP_SERVER_OPTIONS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bodyParser: false,
    logger,
    // Start-up failures (unreadable signing key, CA file) reach serve(), which
    // reports them as configuration errors (exit 2) instead of Nest exiting with 1.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  // A route's own limit overrides the parser's (bodyLimit above); Nest registers its
  // routes at init, after this hook is in place.
  fastify.addHook('onRoute', (route) => {
    if (takesImportLimit(config, route.url)) route.bodyLimit = config.admin.importLimit;
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    dropUnusableContentType(request.raw.headers);
    if (tooManyHeaders(request.raw.rawHeaders)) {
      void reply
        .code(TOO_MANY_HEADERS_STATUS)
        .header('Content-Type', 'text/plain; charset=utf-8')
        .header('Connection', 'close')
        .send(TOO_MANY_HEADERS_MESSAGE);
      return;
    }
    const target = trailingSlashRedirect(request.url);
    if (target === null) {
      done();
      return;
    }
    void reply.code(308).header('Location', target).send();
  });
  hardenServer(app.getHttpServer());
  return app;
}

async function createExpressApp(
  module: ReturnType<typeof AppModule.forRoot>,
  config: AppConfig,
  logger: LoggerService,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    module,
    new LimitedExpressAdapter(),
    {
      bodyParser: false,
      logger,
      // Start-up failures (unreadable signing key, CA file) reach serve(), which
      // reports them as configuration errors (exit 2) instead of Nest exiting with 1.
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  // No ETag (Fastify sends none): a hash of the body would be one more header in which
  // two answers differ (ldap_no_match = generic), and per-request work for nothing.
  app.disable('etag');
  app.set('case sensitive routing', false);
  app.set('strict routing', false);
  app.use(
    (
      request: { url: string; rawHeaders: string[] },
      response: {
        statusCode: number;
        setHeader(n: string, v: string): void;
        end(body?: string): void;
      },
      next: () => void,
    ) => {
      if (isMalformedPath(request.url)) {
        const answer = badRequestAnswer(config, request.url);
        response.statusCode = 400;
        response.setHeader('Content-Type', answer.type);
        response.end(answer.body);
        return;
      }
      if (tooManyHeaders(request.rawHeaders)) {
        response.statusCode = TOO_MANY_HEADERS_STATUS;
        response.setHeader('Content-Type', 'text/plain; charset=utf-8');
        response.setHeader('Connection', 'close');
        response.end(TOO_MANY_HEADERS_MESSAGE);
        return;
      }
      const target = trailingSlashRedirect(request.url);
      if (target === null) {
        next();
        return;
      }
      response.statusCode = 308;
      response.setHeader('Location', target);
      response.end();
    },
  );
  app.use(keepContentTypeAsSet);
  // Two readers with their own limits; each reads the requests its `type` picks.
  app.useBodyParser('raw', {
    type: (request: { url: string }) => takesImportLimit(config, request.url),
    limit: config.admin.importLimit,
  });
  app.useBodyParser('raw', {
    type: (request: { url: string }) => !takesImportLimit(config, request.url),
    limit: config.bodyLimit,
  });
  const server: Server = app.getHttpServer();
  hardenServer(server);
  // Node's default answer to a request its parser refuses has no body; ours matches
  // Fastify's (clientErrorHandler above).
  server.on('clientError', answerClientError);
  return app;
}

/**
 * Nest's Express adapter with two changes. It creates its server without options, and
 * Node takes the timeout check interval only at creation (its default, 30 s, would let
 * a half-sent request hold a connection for 40 s): this one creates it with the
 * limits. And it sends Buffers as bytes.
 */
class LimitedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions) {
      super.initHttpServer(options);
      return;
    }
    this.setHttpServer(
      createServer<typeof IncomingMessage>(HTTP_SERVER_OPTIONS, this.getInstance()),
    );
  }

  /**
   * A Buffer returned by a controller goes out as its bytes, as on Fastify (Nest's
   * Express adapter would send it as JSON).
   */
  override reply(response: ExpressSendable, body: unknown, statusCode?: number): unknown {
    if (!Buffer.isBuffer(body)) return super.reply(response, body, statusCode);
    if (statusCode) response.status(statusCode);
    return response.send(body);
  }
}

/** What the framework-error answer needs of Fastify's reply. */
interface TextReply {
  code(status: number): TextReply;
  header(name: string, value: string): TextReply;
  send(body: string): unknown;
}

/** What LimitedExpressAdapter.reply needs of Express's response. */
interface ExpressSendable {
  status(code: number): unknown;
  send(body: Buffer): unknown;
}

/** What keepContentTypeAsSet needs of Express's response. */
interface ExpressSend {
  send(this: ExpressSend, body?: unknown): unknown;
  get(name: string): string | undefined;
}

/**
 * Express's `res.send` appends `; charset=utf-8` to the Content-Type of every string
 * body, so `application/xml` would go out as `application/xml; charset=utf-8`. Fastify
 * sends the type exactly as the route set it, and BEHAVIOUR.md §1 wants no charset on
 * the success types: a string body whose type is already set is sent as its UTF-8
 * bytes, which Express leaves alone. Without a set type Express behaves as usual.
 */
function keepContentTypeAsSet(_request: unknown, response: ExpressSend, next: () => void): void {
  const send = response.send;
  response.send = function (this: ExpressSend, body?: unknown) {
    if (typeof body === 'string' && this.get('Content-Type') !== undefined) {
      return send.call(this, Buffer.from(body, 'utf8'));
    }
    return send.call(this, body);
  };
  next();
}

/** Header count limit and CONNECT handling, on the Node server of either adapter. */
function hardenServer(server: Server): void {
  server.maxHeadersCount = NODE_MAX_HEADERS_COUNT;
  answerConnect(server);
}
