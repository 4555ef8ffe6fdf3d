'use strict';
/*
 * The reference: a bare Node `http` server that answers each benchmarked request with the
 * exact status, headers and body bytes the real server gave for it (captured once by
 * bench/run.js). It reads request bodies to the end before answering, as the real server
 * does, so POST costs the same on both sides of the ratio.
 *
 * Usage (a child process of bench/run.js): node bench/bare-server.js <routes.json> <port>
 * The routes file is a JSON array of BareRoute (bench/replay-routes.js); it prints
 * "listening <port>" when ready.
 */
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { answerLookup } = require('./replay-routes');

/** @typedef {import('./replay-routes').BareRoute} BareRoute */

/**
 * @param {readonly BareRoute[]} routes
 * @returns {http.Server}
 */
function createBareServer(routes) {
  const lookup = answerLookup(routes);
  return http.createServer((req, res) => {
    const answer = lookup(req.method, req.url ?? '/');
    const send = () => {
      res.writeHead(answer.status, answer.headersWithLength);
      res.end(answer.body);
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      send();
    } else {
      req.on('data', () => {});
      req.on('end', send);
    }
  });
}

if (require.main === module) {
  const [routesFile, portText] = process.argv.slice(2);
  if (!routesFile || !portText) {
    process.stderr.write('usage: node bench/bare-server.js <routes.json> <port>\n');
    process.exit(2);
  }
  const routes = /** @type {BareRoute[]} */ (JSON.parse(readFileSync(routesFile, 'utf8')));
  const server = createBareServer(routes);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(portText), '127.0.0.1', () => {
    process.stdout.write(`listening ${portText}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}

module.exports = { createBareServer };
