'use strict';
/* A minimal loopback HTTP client for the harness: one request, the exact response bytes. */
const http = require('node:http');
const net = require('node:net');
const { URL } = require('node:url');

/**
 * @typedef {object} CapturedResponse
 * @property {number} status
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {Buffer} body
 */

/**
 * Sends one request (no keep-alive) and collects the whole answer.
 * @param {string} baseUrl e.g. http://127.0.0.1:4243
 * @param {{ method?: string, path: string, headers?: Record<string, string>, body?: string | Buffer, timeoutMs?: number }} request
 * @returns {Promise<CapturedResponse>}
 */
function httpRequest(baseUrl, request) {
  const target = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: Number(target.port),
        method: request.method ?? 'GET',
        path: request.path,
        agent: false,
        headers: {
          ...request.headers,
          ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
        },
        timeout: request.timeoutMs ?? 5000,
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${request.path}: no answer in time`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

module.exports = { httpRequest, freePort };
