'use strict';
/*
 * The captured answers the reference servers replay (bench/bare-server.js and
 * bench/framework-server.js), and the one lookup both use to pick an answer for a request.
 */

/**
 * One captured answer, as bench/run.js writes it to the routes file.
 * @typedef {object} BareRoute
 * @property {string} method
 * @property {string} path       the request target (path and query) to match
 * @property {boolean} [prefix]  match any target that starts with `path`
 * @property {number} status
 * @property {Record<string, string>} headers  response headers (without Content-Length)
 * @property {string} bodyBase64
 */

/**
 * @typedef {object} ReplayAnswer
 * @property {number} status
 * @property {Record<string, string>} headers  as captured (without Content-Length)
 * @property {Record<string, string | number>} headersWithLength  the same and Content-Length
 * @property {Buffer} body
 */

/** @type {ReplayAnswer} */
const NOT_FOUND = {
  status: 404,
  headers: {},
  headersWithLength: { 'Content-Length': 0 },
  body: Buffer.alloc(0),
};

/**
 * The answer for a request: the route with the same method and target, else the first
 * prefix route of that method the target starts with, else an empty 404.
 * @param {readonly BareRoute[]} routes
 * @returns {(method: string | undefined, target: string) => ReplayAnswer}
 */
function answerLookup(routes) {
  /** @type {Map<string, ReplayAnswer>} */
  const exact = new Map();
  /** @type {{ method: string, path: string, answer: ReplayAnswer }[]} */
  const prefixes = [];
  for (const route of routes) {
    const body = Buffer.from(route.bodyBase64, 'base64');
    /** @type {ReplayAnswer} */
    const answer = {
      status: route.status,
      headers: route.headers,
      headersWithLength: { ...route.headers, 'Content-Length': body.length },
      body,
    };
    if (route.prefix) prefixes.push({ method: route.method, path: route.path, answer });
    else exact.set(`${route.method} ${route.path}`, answer);
  }
  return (method, target) =>
    exact.get(`${method} ${target}`) ??
    prefixes.find((p) => p.method === method && target.startsWith(p.path))?.answer ??
    NOT_FOUND;
}

module.exports = { answerLookup };
