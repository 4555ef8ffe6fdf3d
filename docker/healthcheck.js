#!/usr/bin/env node
'use strict';
// Docker HEALTHCHECK: exit 0 when the liveness endpoint answers 200 within 2 s, else 1.
// An optional argument replaces the URL (tests point it at their own port).
const http = require('node:http');

const url = process.argv[2] || 'http://127.0.0.1:4243/healthz/live';
const request = http.get(url, { timeout: 2000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', () => process.exit(1));
