'use strict';
/*
 * The reference: a bare Node `http` server that answers each benchmarked request with the
 * exact status, headers and body bytes the real server gave for it (captured once by
 * bench/run.js). It reads request bodies to the end before answering, as the real server
 * does, so POST costs the same on both sides of the ratio.
 *
 * Usage (a child process of bench/run.js): node bench/bare-server.js <routes.json> <port>
 * The routes file is a JSON array of BareRoute; it prints "listening <port>" when ready.
 */
const http = require('node:http');
const { readFileSync } = require('node:fs');

/**
 * @typedef {object} BareRoute
 * @property {string} method
 * @property {string} path       the request target (path and query) to match
 * @property {boolean} [prefix]  match any target that starts with `path`
 * @property {number} status
 * @property {Record<string, string>} headers  response headers (without Content-Length)
 * @property {string} bodyBase64
 */

/**
 * @param {readonly BareRoute[]} routes
 * @returns {http.Server}
 */
function createBareServer(routes) {
  /** @type {Map<string, { status: number, headers: Record<string, string | number>, body: Buffer }>} */
  const exact = new Map();
  /** @type {{ method: string, path: string, answer: { status: number, headers: Record<string, string | number>, body: Buffer } }[]} */
  const prefixes = [];
  for (const route of routes) {
    const body = Buffer.from(route.bodyBase64, 'base64');
    const answer = {
      status: route.status,
      headers: { ...route.headers, 'Content-Length': body.length },
      body,
    };
    if (route.prefix) prefixes.push({ method: route.method, path: route.path, answer });
    else exact.set(`${route.method} ${route.path}`, answer);
  }
  const notFound = { status: 404, headers: { 'Content-Length': 0 }, body: Buffer.alloc(0) };
  return http.createServer((req, res) => {
    const target = req.url ?? '/';
    const answer =
      exact.get(`${req.method} ${target}`) ??
      prefixes.find((p) => p.method === req.method && target.startsWith(p.path))?.answer ??
      notFound;
    const send = () => {
      res.writeHead(answer.status, answer.headers);
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
