'use strict';
/*
 * Load generators: wrk (the judge, one thread, --latency) when installed, else autocannon
 * in-process. Both are driven by the same LoadPlan and report the same LoadResult.
 */
const { spawn } = require('node:child_process');
const { existsSync, writeFileSync } = require('node:fs');
const { delimiter, join } = require('node:path');
const { randomInt } = require('node:crypto');

/**
 * @typedef {object} BenchRequest
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} headers
 * @property {string} [body]
 */

/**
 * @typedef {{ kind: 'fixed', entries: { weight: number, request: BenchRequest }[] }
 *   | { kind: 'spread', before: string, after: string, count: number }} LoadPlan
 * `fixed`: requests picked at random by weight (one entry = the same request every time);
 * `spread`: GET before + i + after for a uniformly random i in [0, count).
 */

/**
 * @typedef {object} LoadResult
 * @property {string} tool
 * @property {number} requests
 * @property {number} durationS
 * @property {number} rps
 * @property {number} p50Ms
 * @property {number} p90Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} statusErrors   wrk: status >= 400; autocannon: non-2xx
 * @property {number} socketErrors   connect + read + write errors
 * @property {number} timeouts
 * @property {number} bytes
 * @property {{ connect: number, read: number, write: number }} [socketErrorKinds]  wrk only
 * @property {Record<string, number>} [statusCodes]  responses per status code (wrk with
 *   `countStatuses`; the malformed requests of the soak make 4xx expected there)
 */

/** @type {Set<import('node:child_process').ChildProcess>} wrk processes still running */
const running = new Set();

/** Stops any wrk this process started (on Ctrl-C). */
function stopLoad() {
  for (const child of running) child.kill('SIGTERM');
}

/** @returns {string | null} the wrk executable on PATH */
function findWrk() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'wrk'))) return join(dir, 'wrk');
  }
  return null;
}

/**
 * Placeholders that wrk replaces per request with random values of the same length (so a
 * body's Content-Length stays right): `{LOCAL}` → `u` + 6 digits, `{DOMAIN}` → `d` + 7.
 */
const PLACEHOLDERS = /** @type {const} */ ({
  '{LOCAL}': { prefix: 'u', digits: 6 },
  '{DOMAIN}': { prefix: 'd', digits: 7 },
});

/**
 * @param {BenchRequest} request
 * @returns {boolean} whether the request has placeholders
 */
function varies(request) {
  const text = `${request.path}\n${request.body ?? ''}`;
  return Object.keys(PLACEHOLDERS).some((p) => text.includes(p));
}

/**
 * The placeholders filled as wrk would fill them, with `n` for every random number.
 * @param {string} text
 * @param {number} [n]
 * @returns {string}
 */
function fillPlaceholders(text, n = 1) {
  let out = text;
  for (const [placeholder, { prefix, digits }] of Object.entries(PLACEHOLDERS)) {
    out = out.split(placeholder).join(`${prefix}${String(n).padStart(digits, '0')}`);
  }
  return out;
}

/**
 * A Lua string literal for any bytes (LuaJIT has no \u escapes).
 * @param {string} text
 * @returns {string}
 */
function luaString(text) {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/**
 * @param {Record<string, string>} headers
 * @returns {string} a Lua table constructor
 */
function luaHeaders(headers) {
  return `{${Object.entries(headers)
    .map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`)
    .join(', ')}}`;
}

/**
 * The wrk script for a plan. A single fixed request is static (wrk builds it once, no Lua
 * per request); weighted and spread plans pick a request per call of `request()`.
 * `countStatuses` adds a `response()` callback counting answers per status code in each
 * thread; `done()` sums the threads' tables and prints them as a BENCH_STATUS line.
 * @param {LoadPlan} plan
 * @param {{ countStatuses?: boolean }} [options]
 * @returns {string}
 */
function wrkScript(plan, options = {}) {
  const lines = [];
  if (options.countStatuses) {
    lines.push('local threads = {}');
    lines.push('setup = function(thread) threads[#threads + 1] = thread end');
    lines.push('codes = {}');
    lines.push('response = function(status) codes[status] = (codes[status] or 0) + 1 end');
  }
  const single = plan.kind === 'fixed' && plan.entries.length === 1 ? plan.entries[0] : null;
  if (single && !varies(single.request)) {
    const { request } = single;
    lines.push(`wrk.method = ${luaString(request.method)}`);
    lines.push(`wrk.path = ${luaString(request.path)}`);
    for (const [name, value] of Object.entries(request.headers)) {
      lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
    }
    if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  } else if (plan.kind === 'fixed') {
    // With placeholders, pool entries are { text, vary } tables and `request()` fills them.
    const anyVaries = plan.entries.some((e) => varies(e.request));
    lines.push('local pool = {}');
    lines.push('init = function(args)');
    lines.push('  math.randomseed(tonumber(args[1]) or 1)');
    // One block per entry: Lua allows at most 200 locals in scope in a function.
    for (const { weight, request } of plan.entries) {
      const body = request.body === undefined ? 'nil' : luaString(request.body);
      lines.push(
        `  do local r = wrk.format(${luaString(request.method)}, ${luaString(request.path)}, ` +
          `${luaHeaders(request.headers)}, ${body})`,
      );
      if (anyVaries) lines.push(`  r = { text = r, vary = ${varies(request)} }`);
      lines.push(`  for i = 1, ${weight} do pool[#pool + 1] = r end end`);
    }
    lines.push('end');
    if (anyVaries) {
      lines.push('request = function()');
      lines.push('  local e = pool[math.random(#pool)]');
      lines.push('  if not e.vary then return e.text end');
      lines.push('  local text = e.text');
      for (const [placeholder, { prefix, digits }] of Object.entries(PLACEHOLDERS)) {
        lines.push(
          `  text = text:gsub(${luaString(placeholder)}, ` +
            `string.format("${prefix}%0${digits}d", math.random(0, ${10 ** digits - 1})))`,
        );
      }
      lines.push('  return text');
      lines.push('end');
    } else {
      lines.push('request = function() return pool[math.random(#pool)] end');
    }
  } else {
    lines.push(
      `local before, after, n = ${luaString(plan.before)}, ${luaString(plan.after)}, ${plan.count}`,
    );
    lines.push('init = function(args) math.randomseed(tonumber(args[1]) or 1) end');
    lines.push('request = function()');
    lines.push('  return wrk.format("GET", before .. (math.random(n) - 1) .. after)');
    lines.push('end');
  }
  lines.push('done = function(summary, latency, requests)');
  lines.push('  local e = summary.errors');
  lines.push(
    '  io.write(string.format(\'BENCH_RESULT {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,' +
      '"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,' +
      '"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f}\\n\', summary.requests, summary.duration, ' +
      'summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), ' +
      'latency:percentile(90), latency:percentile(99), latency.max))',
  );
  if (options.countStatuses) {
    lines.push('  local total = {}');
    lines.push('  for _, thread in ipairs(threads) do');
    lines.push('    for code, n in pairs(thread:get("codes") or {}) do');
    lines.push('      total[code] = (total[code] or 0) + n');
    lines.push('    end');
    lines.push('  end');
    lines.push('  local parts = {}');
    lines.push(
      '  for code, n in pairs(total) do parts[#parts + 1] = string.format(\'"%d":%.0f\', code, n) end',
    );
    lines.push('  io.write("BENCH_STATUS {" .. table.concat(parts, ",") .. "}\\n")');
  }
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

/**
 * Runs wrk -t1 -c<connections> -d<duration>s --latency against baseUrl.
 * @param {string} wrk  executable
 * @param {string} baseUrl
 * @param {LoadPlan} plan
 * @param {{ connections: number, durationS: number, scriptFile: string, timeoutS?: number,
 *   countStatuses?: boolean }} options  timeoutS: wrk's --timeout (its default is 2 s)
 * @returns {Promise<LoadResult & { raw: string }>}
 */
function runWrk(wrk, baseUrl, plan, options) {
  writeFileSync(options.scriptFile, wrkScript(plan, { countStatuses: options.countStatuses }));
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    ...(options.timeoutS === undefined ? [] : ['--timeout', `${options.timeoutS}s`]),
    '--latency',
    '-s',
    options.scriptFile,
    `${baseUrl}/`,
    '--',
    String(randomInt(1, 2 ** 31 - 1)),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const match = /^BENCH_RESULT (\{.*\})$/m.exec(out);
      if (code !== 0 || !match) {
        reject(new Error(`wrk exited with ${code}:\n${out}`));
        return;
      }
      /** @type {Record<string, number>} */
      const r = JSON.parse(match[1] ?? '{}');
      const durationS = (r.duration_us ?? 0) / 1e6;
      const ms = (/** @type {number | undefined} */ us) => (us ?? 0) / 1000;
      const statusLine = /^BENCH_STATUS (\{.*\})$/m.exec(out);
      resolve({
        tool: 'wrk',
        requests: r.requests ?? 0,
        durationS,
        rps: durationS > 0 ? (r.requests ?? 0) / durationS : 0,
        p50Ms: ms(r.p50),
        p90Ms: ms(r.p90),
        p99Ms: ms(r.p99),
        maxMs: ms(r.max),
        statusErrors: r.status ?? 0,
        socketErrors: (r.connect ?? 0) + (r.read ?? 0) + (r.write ?? 0),
        socketErrorKinds: { connect: r.connect ?? 0, read: r.read ?? 0, write: r.write ?? 0 },
        timeouts: r.timeout ?? 0,
        bytes: r.bytes ?? 0,
        ...(statusLine ? { statusCodes: JSON.parse(statusLine[1] ?? '{}') } : {}),
        raw: out.replace(/^BENCH_(RESULT|STATUS) .*\n?/gm, ''),
      });
    });
  });
}

/**
 * The smallest repeating sequence with the plan's weights (65/20/10/5 → 13/4/2/1),
 * interleaved, for autocannon's per-connection request cycle.
 * @param {{ weight: number, request: BenchRequest }[]} entries
 * @returns {BenchRequest[]}
 */
function weightedCycle(entries) {
  const gcd = (/** @type {number} */ a, /** @type {number} */ b) => (b === 0 ? a : gcd(b, a % b));
  const divisor = entries.reduce((g, e) => gcd(g, e.weight), 0) || 1;
  const counts = entries.map((e) => e.weight / divisor);
  const total = counts.reduce((a, b) => a + b, 0);
  /** @type {BenchRequest[]} */
  const cycle = [];
  const used = counts.map(() => 0);
  // Spread each request evenly over the cycle (largest remaining share first).
  for (let slot = 0; slot < total; slot++) {
    let best = 0;
    let bestScore = -Infinity;
    counts.forEach((count, i) => {
      const score = (count * (slot + 1)) / total - (used[i] ?? 0);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    used[best] = (used[best] ?? 0) + 1;
    cycle.push(/** @type {{ request: BenchRequest }} */ (entries[best]).request);
  }
  return cycle;
}

/**
 * The fallback: autocannon in this process.
 * @param {string} baseUrl
 * @param {LoadPlan} plan
 * @param {{ connections: number, durationS: number }} options
 * @returns {Promise<LoadResult & { raw: string }>}
 */
async function runAutocannon(baseUrl, plan, options) {
  const autocannon = require('autocannon');
  /** @type {object[]} */
  let requests;
  if (plan.kind === 'fixed') {
    requests = weightedCycle(plan.entries).map((r) => ({ ...r }));
  } else {
    const { before, after, count } = plan;
    requests = [
      {
        method: 'GET',
        setupRequest: (/** @type {Record<string, unknown>} */ req) => ({
          ...req,
          path: `${before}${randomInt(count)}${after}`,
        }),
      },
    ];
  }
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.durationS,
    requests,
  });
  const durationS = result.duration;
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    durationS,
    rps: durationS > 0 ? result.requests.total / durationS : 0,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statusErrors: result.non2xx,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    bytes: result.throughput.total,
    raw: '',
  };
}

module.exports = {
  findWrk,
  runWrk,
  runAutocannon,
  stopLoad,
  wrkScript,
  weightedCycle,
  fillPlaceholders,
};
