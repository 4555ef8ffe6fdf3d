'use strict';
/*
 * The framework ceiling: a minimal NestJS application on @nestjs/platform-fastify, built
 * the way src/bootstrap/create-app.ts builds ours (same router options, every request
 * body read as raw bytes by the same catch-all content-type parser), that replays the
 * answers captured by bench/run.js from a Nest controller. Whatever our server does on
 * top of this (configuration, database, rendering, logging, metrics) is what keeps it
 * below this server's rate; whatever this server loses against the bare one is the cost
 * of NestJS and Fastify themselves.
 *
 * One controller method per distinct method and path (without the query); each picks
 * the answer by method and full target as the bare server does (bench/replay-routes.js),
 * sets its status and headers on the Fastify reply and returns the body, as our
 * controllers return theirs (Nest sets the route's default status before the handler
 * runs, so the status set here is the one sent). An empty body is returned as
 * `undefined`, as our error filter sends a 204: Fastify then keeps the headers as set
 * (for an empty Buffer it would drop the Content-Type of a 204).
 *
 * Usage (a child process of bench/run.js): node bench/framework-server.js <routes.json> <port>
 * It prints "listening <port>" when ready and exits on SIGTERM and SIGINT.
 */
process.env.NODE_ENV = 'production';
require('reflect-metadata');
const { readFileSync } = require('node:fs');
const { Controller, Module, Req, RequestMapping, RequestMethod, Res } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { answerLookup } = require('./replay-routes');

/**
 * The controller class for the routes: one handler per (method, pathname), matched by
 * Fastify as ours are (case-insensitive, trailing slash ignored).
 * @param {readonly import('./replay-routes').BareRoute[]} routes
 * @returns {new () => object}
 */
function replayController(routes) {
  const lookup = answerLookup(routes);
  class ReplayController {}
  const proto = ReplayController.prototype;
  /** @type {Set<string>} */
  const seen = new Set();
  for (const route of routes) {
    const pathname = route.path.split('?')[0] || '/';
    // Paths Fastify's router treats as one get one handler (it would refuse a second).
    const routerKey = `${route.method} ${pathname.toLowerCase().replace(/\/+$/, '')}`;
    if (seen.has(routerKey)) continue;
    const method = RequestMethod[/** @type {keyof typeof RequestMethod} */ (route.method)];
    if (method === undefined) throw new Error(`unsupported method ${route.method}`);
    const key = `route${seen.size}`;
    seen.add(routerKey);
    Object.defineProperty(proto, key, {
      /**
       * @param {import('fastify').FastifyRequest} request
       * @param {import('fastify').FastifyReply} reply
       * @returns {Buffer | undefined}
       */
      value(request, reply) {
        const answer = lookup(request.method, request.url);
        reply.code(answer.status).headers(answer.headers);
        return answer.body.length > 0 ? answer.body : undefined;
      },
      writable: true,
      configurable: true,
    });
    const descriptor = /** @type {PropertyDescriptor} */ (
      Object.getOwnPropertyDescriptor(proto, key)
    );
    RequestMapping({ path: pathname, method })(proto, key, descriptor);
    Req()(proto, key, 0);
    Res({ passthrough: true })(proto, key, 1);
  }
  Controller()(ReplayController);
  return ReplayController;
}

/**
 * The application, not yet listening.
 * @param {readonly import('./replay-routes').BareRoute[]} routes
 * @returns {Promise<import('@nestjs/platform-fastify').NestFastifyApplication>}
 */
async function createFrameworkApp(routes) {
  class ReplayModule {}
  Module({ controllers: [replayController(routes)] })(ReplayModule);
  const adapter = new FastifyAdapter({
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 512 },
    logger: false,
    trustProxy: false,
  });
  /** @type {import('@nestjs/platform-fastify').NestFastifyApplication} */
  const app = await NestFactory.create(ReplayModule, adapter, { bodyParser: false, logger: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  return app;
}

if (require.main === module) {
  const [routesFile, portText] = process.argv.slice(2);
  if (!routesFile || !portText) {
    process.stderr.write('usage: node bench/framework-server.js <routes.json> <port>\n');
    process.exit(2);
  }
  const routes = /** @type {import('./replay-routes').BareRoute[]} */ (
    JSON.parse(readFileSync(routesFile, 'utf8'))
  );
  createFrameworkApp(routes)
    .then(async (app) => {
      const stop = () => void app.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      await app.listen(Number(portText), '127.0.0.1');
      process.stdout.write(`listening ${portText}\n`);
    })
    .catch((/** @type {unknown} */ error) => {
      process.stderr.write(
        `framework-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}

module.exports = { createFrameworkApp };
