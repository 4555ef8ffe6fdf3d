'use strict';
/*
 * `npm run bench -- admin`: the admin API (/admin/api/v1/, docs/admin-api.md) over a
 * large database. The real server (dist/main.js) runs with `admin_tokens_file`, holding
 * one token made by the real CLI (`automx2-nest token create`); N domains are bulk-seeded
 * (bench/seed-domains.js: every domain has its own provider and uses the same IMAP and
 * SMTP server). Then, with the load generator:
 *   (1) GET /domains/{name} for random bench domains,
 *   (2) PUT /domains/{name}: each request replaces a random bench domain's settings (the
 *       seeded ones plus a shared DAV server), over a few connections (writes are
 *       serialised);
 * one request at a time (median of --samples):
 *   (3) the first page of GET /domains, a page deep in the list (reached through the
 *       cursors), GET /domains?search= with a rare and a common text, GET and PUT
 *       /servers/{id} of the IMAP server all N domains share;
 * and after that PUT:
 *   (4) an autoconfig answer for a bench domain (one answered, so cached, just before)
 *       names the new host.
 * Every answer is checked (status, and the content where it says something); the verdict
 * fails (exit code 1) on any unexpected answer.
 */
const { execFile } = require('node:child_process');
const {
  mkdtempSync,
  rmSync,
  readFileSync,
  copyFileSync,
  existsSync,
  writeFileSync,
} = require('node:fs');
const { randomInt } = require('node:crypto');
const { tmpdir, loadavg } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const {
  UsageError,
  adapterOption,
  dbOption,
  integerOption,
  optionsOrUsage,
  setOptions,
} = require('./options');
const { startAutomx2, seedExample, ENTRY } = require('./automx2-server');
const { cleanupStack } = require('./cleanups');
const { cpuWindow, waitForQuiet } = require('./cpu');
const { createBenchDatabase } = require('./databases');
const { httpRequest } = require('./http-client');
const { findWrk, runWrk, stopLoad } = require('./load');
const report = require('./report');
const { ADMIN } = require('./scenarios');
const { seedDomains, benchDomainName } = require('./seed-domains');
const { sampleRss, processTree } = require('./server-process');

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const CLI = join(ROOT, 'dist', 'cli.js');
const API = '/admin/api/v1';
const QUIET_CORES = 0.3;
/** The server all bench domains share, as bench/seed-domains.js writes it. */
const SHARED_IMAP = 'imap.bench.test';
/** The DAV server the PUTs of (2) give each domain they replace. */
const BENCH_DAV = {
  type: 'caldav',
  url: 'https://dav.bench.test/calendars/%EMAILADDRESS%/',
  port: 443,
  use_ssl: true,
  domain_required: true,
  user_name: '%EMAILADDRESS%',
};
/** Page size of the walk to the deep page (the largest the API allows). */
const WALK_LIMIT = 500;

const USAGE = `usage: npm run bench -- ${ADMIN} [options]     (or: --scenario ${ADMIN})
  The admin API (/admin/api/v1/) over N bulk-seeded domains, on the real server with a
  token made by \`automx2-nest token create\`: (1) GET /domains/{name} and (2) PUT
  /domains/{name} rates for random bench domains; (3) single-request latencies (median of
  --samples) of GET /domains (first page, a deep page through the cursors, ?search= rare
  and common), GET and PUT /servers/{id} of the server all N domains share; (4) after
  that PUT, autoconfig for a bench domain names the new host. Every answer is checked.
  --domains N               bulk-seed N domains (≥ 1000), default 100000
  --domains-per-provider K  default 1
  --seed-method batch|series  series (generate_series) is PostgreSQL only; default series there
  --batch-size ROWS         rows per INSERT for the batch method, default 5000
  --db sqlite|postgres|mysql  default sqlite (a file in a temp dir); others: a throwaway database
  --adapter fastify|express default fastify
  --duration S  --warmup S  default 10 and 2 seconds per load measurement
  --connections C           connections of the GET load, default 64
  --write-connections C     connections of the PUT load, default 4
  --pool K                  each load request picks one of K random bench domains, default
                            10000 (at most N); wrk builds its requests up front
  --samples S               requests per single-request latency, default 21
  --timeout S               the load generator gives up on a request after S s, default 10
  --tool wrk|autocannon     default wrk when installed
  --set key=value           extra [automx2] keys for the server (repeatable)
  --wait-quiet S            before each measurement, wait up to S s for an idle machine
                            (< 0.3 busy cores); default 0 (do not wait)
  --append-results          append the report to bench/RESULTS.md
Exit code 1 when an answer was not the expected one. Results: bench/results/<date>-admin.json.`;

/**
 * @typedef {object} AdminOptions
 * @property {boolean} help
 * @property {number} domains
 * @property {number} perProvider
 * @property {'batch' | 'series'} seedMethod
 * @property {number} batchSize
 * @property {import('./databases').BenchDialect} db
 * @property {string} adapter
 * @property {number} durationS
 * @property {number} warmupS
 * @property {number} connections
 * @property {number} writeConnections
 * @property {number} pool
 * @property {number} samples
 * @property {number} timeoutS
 * @property {'wrk' | 'autocannon'} tool
 * @property {string[]} extraConfig
 * @property {number} waitQuietS
 * @property {boolean} appendResults
 */

/**
 * @param {string[]} argv
 * @returns {AdminOptions}
 */
function parseAdminOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true, default: [] },
      domains: { type: 'string', default: '100000' },
      'domains-per-provider': { type: 'string', default: '1' },
      'seed-method': { type: 'string' },
      'batch-size': { type: 'string', default: '5000' },
      db: { type: 'string', default: 'sqlite' },
      adapter: { type: 'string', default: 'fastify' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '64' },
      'write-connections': { type: 'string', default: '4' },
      pool: { type: 'string', default: '10000' },
      samples: { type: 'string', default: '21' },
      timeout: { type: 'string', default: '10' },
      tool: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      'wait-quiet': { type: 'string', default: '0' },
      'append-results': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const names = [...positionals, ...(values.scenario ?? []).flatMap((s) => s.split(','))]
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.some((n) => n !== ADMIN))
    throw new UsageError(`${ADMIN} runs alone: no other scenario`);
  const db = dbOption(values.db, 'sqlite');
  const seedMethod = values['seed-method'] ?? (db === 'postgres' ? 'series' : 'batch');
  if (seedMethod !== 'batch' && seedMethod !== 'series')
    throw new UsageError('--seed-method: batch or series');
  if (seedMethod === 'series' && db !== 'postgres')
    throw new UsageError('--seed-method series needs --db postgres');
  const tool = values.tool ?? (findWrk() ? 'wrk' : 'autocannon');
  if (tool !== 'wrk' && tool !== 'autocannon') throw new UsageError('--tool: wrk or autocannon');
  // The walk to the deep page takes pages of 500 up to the middle of the list.
  const domains = integerOption('domains', values.domains, 1000);
  return {
    help: values.help ?? false,
    domains,
    perProvider: integerOption('domains-per-provider', values['domains-per-provider']),
    seedMethod,
    batchSize: integerOption('batch-size', values['batch-size']),
    db,
    adapter: adapterOption(values.adapter),
    durationS: integerOption('duration', values.duration),
    warmupS: integerOption('warmup', values.warmup, 0),
    connections: integerOption('connections', values.connections),
    writeConnections: integerOption('write-connections', values['write-connections']),
    pool: Math.min(domains, integerOption('pool', values.pool)),
    samples: integerOption('samples', values.samples),
    timeoutS: integerOption('timeout', values.timeout),
    tool,
    extraConfig: setOptions(values.set),
    waitQuietS: integerOption('wait-quiet', values['wait-quiet'], 0),
    appendResults: values['append-results'] ?? false,
  };
}

/**
 * A copy of `object` without `keys`.
 * @template {Record<string, unknown>} T
 * @param {T} object
 * @param {readonly string[]} keys
 * @returns {T}
 */
function without(object, keys) {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * `count` distinct indices in [0, n), in random order.
 * @param {number} n
 * @param {number} count  at most n
 * @returns {number[]}
 */
function randomIndices(n, count) {
  /** @type {Set<number>} */
  const picked = new Set();
  if (count * 2 > n) {
    // Many of them: shuffle 0..n-1 and take the first `count`.
    const all = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = randomInt(i, n);
      [all[i], all[j]] = [/** @type {number} */ (all[j]), /** @type {number} */ (all[i])];
    }
    return all.slice(0, count);
  }
  while (picked.size < count) picked.add(randomInt(n));
  return [...picked];
}

/**
 * The provider bench/seed-domains.js gave bench domain `i`.
 * @param {number} i
 * @param {number} perProvider
 * @returns {string}
 */
const benchProviderName = (i, perProvider) => `Bench Provider ${Math.floor(i / perProvider)}`;

/**
 * @typedef {object} ApiAnswer
 * @property {number} status
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} text
 * @property {any} json  the parsed body (JSON of unknown shape), or undefined
 * @property {number} ms   from sending to the last byte
 */

/**
 * One request to the admin API, on a new connection.
 * @param {string} url
 * @param {string | null} token  null: without Authorization
 * @param {string} method
 * @param {string} path  below /admin/api/v1
 * @param {unknown} [body]  sent as JSON
 * @returns {Promise<ApiAnswer>}
 */
async function api(url, token, method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  const answer = await httpRequest(url, {
    method,
    path: `${API}${path}`,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 120_000,
  });
  const ms = performance.now() - started;
  const text = answer.body.toString('utf8');
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.status, headers: answer.headers, text, json, ms };
}

/**
 * "METHOD path → status" and the start of the body, for messages.
 * @param {string} method
 * @param {string} path
 * @param {ApiAnswer} answer
 * @returns {string}
 */
function describeAnswer(method, path, answer) {
  return `${method} ${API}${path} → ${answer.status} ${answer.text.replace(/\s+/g, ' ').slice(0, 200)}`;
}

/**
 * Sends one request and returns its answer, or throws when the status is not `status`
 * (the steps that prepare a measurement: nothing to measure after a wrong answer).
 * @param {string} url
 * @param {string} token
 * @param {string} method
 * @param {string} path
 * @param {number} status
 * @param {unknown} [body]
 * @returns {Promise<ApiAnswer>}
 */
async function expectApi(url, token, method, path, status, body) {
  const answer = await api(url, token, method, path, body);
  if (answer.status !== status) {
    throw new Error(`expected ${status}: ${describeAnswer(method, path, answer)}`);
  }
  return answer;
}

/**
 * A bearer token made by the real CLI: `node dist/cli.js token create bench --file FILE`.
 * It prints the token once; it is the last word of its output.
 * @param {string} file
 * @param {string} configFile  an INI file for the CLI (the run's database)
 * @returns {Promise<string>}
 */
function createToken(file, configFile) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, AUTOMX2_CONF: configFile };
  delete env.AUTOMX2_DB_URI;
  return new Promise((resolveToken, reject) => {
    execFile(
      process.execPath,
      [CLI, 'token', 'create', 'bench', '--file', file],
      { cwd: ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`automx2-nest token create failed: ${error.message}\n${stderr}`));
          return;
        }
        const token = stdout.trim().split(/\s+/).pop() ?? '';
        if (token === '') reject(new Error('automx2-nest token create printed no token'));
        else resolveToken(token);
      },
    );
  });
}

/**
 * @typedef {object} LoadMeasurement
 * @property {string} name
 * @property {string} description
 * @property {number} connections
 * @property {number} pool
 * @property {import('./load').LoadResult} result
 * @property {Record<string, number>} statusCodes
 * @property {number} expectedStatus
 * @property {number} answeredAsExpected
 * @property {number | null} rssPeakMiB
 * @property {import('./cpu').CpuShares} cpu
 * @property {number[]} loadAverage  1, 5 and 15 minutes, when the measurement started
 * @property {{ waitedS: number, busyCores: number } | null} quietWait
 */

/**
 * autocannon in this process, each request picked at random from `pool`.
 * @param {string} url
 * @param {import('./load').BenchRequest[]} pool
 * @param {{ connections: number, durationS: number, timeoutS: number }} options
 * @returns {Promise<import('./load').LoadResult>}
 */
async function runAutocannonPool(url, pool, options) {
  const autocannon = require('autocannon');
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    timeout: options.timeoutS,
    requests: [
      {
        setupRequest: (/** @type {Record<string, unknown>} */ request) => ({
          ...request,
          ...pool[randomInt(pool.length)],
        }),
      },
    ],
  });
  /** @type {Record<string, number>} */
  const statusCodes = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = /** @type {{ count: number }} */ (stats).count;
  }
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    durationS: result.duration,
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statusErrors: result.non2xx,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    bytes: result.throughput.total,
    statusCodes,
  };
}

/**
 * Drives `pool` (each request picked at random) for the warm-up, then for the measured
 * run, recording the server's CPU and RSS and the machine's load meanwhile.
 * @param {import('./server-process').ChildServer} server
 * @param {AdminOptions} options
 * @param {{ name: string, description: string, connections: number,
 *   pool: import('./load').BenchRequest[], expectedStatus: number, scriptFile: string }} load
 * @returns {Promise<LoadMeasurement>}
 */
async function measureLoad(server, options, load) {
  const wrk = options.tool === 'wrk' ? findWrk() : null;
  const run = async (/** @type {number} */ durationS) => {
    if (wrk) {
      const result = await runWrk(
        wrk,
        server.url,
        { kind: 'fixed', entries: load.pool.map((request) => ({ weight: 1, request })) },
        {
          connections: load.connections,
          durationS,
          scriptFile: load.scriptFile,
          timeoutS: options.timeoutS,
          countStatuses: true,
        },
      );
      return without(result, ['raw']);
    }
    return runAutocannonPool(server.url, load.pool, {
      connections: load.connections,
      durationS,
      timeoutS: options.timeoutS,
    });
  };
  const quietWait =
    options.waitQuietS > 0 ? await waitForQuiet(options.waitQuietS, QUIET_CORES) : null;
  if (options.warmupS > 0) await run(options.warmupS);
  const loadAverage = loadavg();
  const rss = sampleRss(server.pid);
  const cpu = cpuWindow(processTree(server.pid));
  const result = await run(options.durationS);
  const cpuShares = cpu.stop();
  const statusCodes = result.statusCodes ?? {};
  return {
    name: load.name,
    description: load.description,
    connections: load.connections,
    pool: load.pool.length,
    result,
    statusCodes,
    expectedStatus: load.expectedStatus,
    answeredAsExpected: statusCodes[String(load.expectedStatus)] ?? 0,
    rssPeakMiB: rss.stop(),
    cpu: cpuShares,
    loadAverage,
    quietWait,
  };
}

/**
 * @typedef {object} LatencyRow
 * @property {string} name
 * @property {string} request   what was sent, for the report
 * @property {string} expected  what every answer had to be
 * @property {number[]} ms
 * @property {string[]} problems  answers that were not as expected (the first few)
 * @property {number} wrong      how many were not
 * @property {number[]} loadAverage
 */

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? NaN
    : sorted.length % 2
      ? (sorted[mid] ?? NaN)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * Sends `samples` requests one after the other; `check` says what is wrong with an
 * answer (null: nothing).
 * @param {string} name
 * @param {string} request
 * @param {string} expected
 * @param {number} samples
 * @param {(k: number) => Promise<ApiAnswer>} send  the k-th request (0-based)
 * @param {(answer: ApiAnswer, k: number) => string | null} check
 * @returns {Promise<LatencyRow>}
 */
async function sampleLatency(name, request, expected, samples, send, check) {
  const loadAverage = loadavg();
  /** @type {number[]} */
  const ms = [];
  /** @type {string[]} */
  const problems = [];
  let wrong = 0;
  for (let k = 0; k < samples; k++) {
    const answer = await send(k);
    ms.push(answer.ms);
    const problem =
      answer.status >= 400 ? `${answer.status} ${answer.text.slice(0, 120)}` : check(answer, k);
    if (problem !== null) {
      wrong += 1;
      if (problems.length < 3) problems.push(problem);
    }
  }
  log(
    `${name}: median ${median(ms).toFixed(1)} ms${wrong ? `, ${wrong} wrong answers: ${problems[0]}` : ''}`,
  );
  return { name, request, expected, ms, problems, wrong, loadAverage };
}

/**
 * What is wrong with a page of GET /domains (null: nothing).
 * @param {ApiAnswer} answer
 * @param {{ items: number, more: boolean, names?: string[] }} want
 *   items: their count; more: whether next_cursor must be a string (else null);
 *   names: the items' names, in order
 * @returns {string | null}
 */
function pageProblem(answer, want) {
  if (answer.status !== 200) return `status ${answer.status}`;
  const page = answer.json;
  if (!page || !Array.isArray(page.items)) return 'no items array';
  const count = page.items.length;
  if (count !== want.items) return `${count} items`;
  const next = page.next_cursor;
  if (want.more === true && typeof next !== 'string') return 'next_cursor is not a string';
  if (want.more === false && next !== null) return 'next_cursor is not null';
  if (want.names) {
    const names = page.items.map((/** @type {{ name: unknown }} */ item) => item.name);
    if (JSON.stringify(names) !== JSON.stringify(want.names))
      return `names ${JSON.stringify(names.slice(0, 3))}… instead of ${JSON.stringify(want.names.slice(0, 3))}…`;
  }
  return null;
}

/**
 * @typedef {object} Walk  the walk through GET /domains to the deep page
 * @property {number} pages
 * @property {number} position   items before the deep page
 * @property {number} totalMs
 * @property {number} slowestMs
 * @property {string} cursor     the deep page's cursor
 * @property {string} lastName   the last name before it
 */

/**
 * Walks GET /domains?limit=500 page by page until `target` items are behind; checks each
 * page (500 items, a next_cursor, not the previous page's last name again).
 * @param {string} url
 * @param {string} token
 * @param {number} target
 * @returns {Promise<Walk>}
 */
async function walkTo(url, token, target) {
  let position = 0;
  let pages = 0;
  let totalMs = 0;
  let slowestMs = 0;
  /** @type {string | null} */
  let cursor = null;
  let lastName = '';
  while (position < target) {
    const path = `/domains?limit=${WALK_LIMIT}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const answer = await api(url, token, 'GET', path);
    const problem = pageProblem(answer, { items: WALK_LIMIT, more: true });
    if (problem !== null)
      throw new Error(
        `walking the list, page ${pages + 1}: ${problem}: ${describeAnswer('GET', path, answer)}`,
      );
    const names = answer.json.items.map((/** @type {{ name: string }} */ item) => item.name);
    if (names.includes(lastName))
      throw new Error(`walking the list, page ${pages + 1} repeats ${lastName}`);
    pages += 1;
    position += names.length;
    totalMs += answer.ms;
    slowestMs = Math.max(slowestMs, answer.ms);
    cursor = answer.json.next_cursor;
    lastName = names[names.length - 1] ?? '';
  }
  return {
    pages,
    position,
    totalMs,
    slowestMs,
    cursor: /** @type {string} */ (cursor),
    lastName,
  };
}

/**
 * Polls autoconfig for `address` until it names `host` (or `budgetMs` passed); returns
 * how long that took from the first request (0: the first answer named it), or null.
 * @param {string} url
 * @param {string} address
 * @param {string} host
 * @param {number} budgetMs
 * @returns {Promise<{ afterMs: number | null, status: number, requests: number }>}
 */
async function autoconfigNames(url, address, host, budgetMs) {
  const started = performance.now();
  let requests = 0;
  for (;;) {
    const answer = await httpRequest(url, {
      path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
      timeoutMs: 30_000,
    });
    requests += 1;
    const names =
      answer.status === 200 &&
      answer.body.toString('utf8').includes(`<hostname>${host}</hostname>`);
    if (names)
      return { afterMs: requests === 1 ? 0 : performance.now() - started, status: 200, requests };
    if (performance.now() - started > budgetMs)
      return { afterMs: null, status: answer.status, requests };
    await new Promise((wait) => setTimeout(wait, 250));
  }
}

/**
 * @typedef {object} Criterion
 * @property {string} name
 * @property {string} target
 * @property {string} measured
 * @property {boolean} pass
 */

/**
 * @typedef {object} AdminReport
 * @property {string} date
 * @property {string} commit
 * @property {import('./report').Machine} machine
 * @property {string} tool
 * @property {string} database
 * @property {string} adapter
 * @property {string[]} extraConfig
 * @property {number} durationS
 * @property {number} warmupS
 * @property {number} samples
 * @property {number} readyMs
 * @property {number | null} rssAtReadyMiB
 * @property {import('./seed-domains').SeedResult} seeding
 * @property {number[]} loadAverageAtStart
 * @property {number[]} loadAverageAtEnd
 * @property {LoadMeasurement[]} loads
 * @property {PutEffect} effect
 * @property {Walk} walk
 * @property {LatencyRow[]} latencies
 * @property {AutoconfigCheck} autoconfig
 * @property {{ errorLines: string[], logFile: string | null }} server
 * @property {Criterion[]} criteria
 * @property {boolean} pass
 */

const fixed = (/** @type {number | null | undefined} */ value, /** @type {number} */ digits) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const thousands = (/** @type {number} */ value) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
const loadText = (/** @type {number[]} */ l) => l.map((v) => v.toFixed(2)).join(' / ');

/**
 * @param {AdminReport} r
 * @returns {string}
 */
function markdownAdmin(r) {
  const m = r.machine;
  const s = r.seeding;
  const statusText = (/** @type {Record<string, number>} */ codes) =>
    Object.entries(codes)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([code, n]) => `${code}: ${thousands(n)}`)
      .join(', ') || 'none';
  const others = r.loads.map((l) => l.cpu.other);
  const lines = [
    `### ${r.date} · commit ${r.commit} · ${ADMIN} · ${r.database} · ${r.adapter}`,
    '',
    `**Admin API over ${thousands(s.domains)} domains. The load generator ` +
      `(${r.tool === 'wrk' ? 'wrk -t1' : 'autocannon'}) and the server share this ${m.cores}-core machine** ` +
      `(${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}), Node ${m.node}. NODE_ENV=production, ` +
      `loglevel WARNING, loopback, ${r.durationS} s per load measurement after a ${r.warmupS} s warm-up; ` +
      `one token made by \`automx2-nest token create\`.` +
      (r.extraConfig.length > 0 ? ` Extra config: ${r.extraConfig.join(', ')}.` : ''),
    '',
    `Seeded ${thousands(s.domains)} domains (${thousands(s.providers)} providers, ${thousands(s.links)} server links, ` +
      `one IMAP and one SMTP server shared by all; ${s.method}) in ${(s.totalMs / 1000).toFixed(2)} s ` +
      `(inserts + commit ${(s.insertMs / 1000).toFixed(2)} s, ANALYZE ${(s.analyzeMs / 1000).toFixed(2)} s): ` +
      `**${thousands(s.domainsPerSecond)} domains/s**. Server ready in ${r.readyMs.toFixed(0)} ms, ` +
      `RSS at ready ${fixed(r.rssAtReadyMiB, 0)} MiB. Load average (1 / 5 / 15 min): ${loadText(r.loadAverageAtStart)} ` +
      `at the start, ${loadText(r.loadAverageAtEnd)} at the end.`,
    '',
    `**Verdict: ${r.pass ? 'PASS' : 'FAIL'}** — ` +
      r.criteria.map((c) => `${c.name} ${c.pass ? 'PASS' : '**FAIL**'}`).join(' · '),
  ];
  if (others.length > 0 && Math.max(...others) > 0.2) {
    lines.push(
      '',
      `⚠ Other work on the machine used ${Math.min(...others).toFixed(2)}–${Math.max(...others).toFixed(2)} ` +
        'cores on average during the load measurements: req/s and latencies understate an idle ' +
        'machine; the server CPU µs per request is the most robust number.',
    );
  }
  lines.push(
    '',
    '| load | connections | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | answers | server CPU µs/req | RSS peak MiB | CPU cores: server / load gen / db / other | load avg 1 min |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |',
    ...r.loads.map((l) => {
      const x = l.result;
      const errors = [
        x.socketErrors ? `${thousands(x.socketErrors)} socket errors` : '',
        x.timeouts ? `${thousands(x.timeouts)} timeouts` : '',
      ].filter(Boolean);
      return (
        `| ${l.name} | ${l.connections} | ${thousands(x.requests)} | ${thousands(x.rps)} | ${fixed(x.p50Ms, 2)} | ` +
        `${fixed(x.p90Ms, 2)} | ${fixed(x.p99Ms, 2)} | ${fixed(x.maxMs, 1)} | ${statusText(l.statusCodes)}` +
        `${errors.length ? `; ${errors.join(', ')}` : ''} | ` +
        `${x.rps > 0 ? thousands((l.cpu.server * 1e6) / x.rps) : '–'} | ${fixed(l.rssPeakMiB, 0)} | ` +
        `${[l.cpu.server, l.cpu.harness, l.cpu.database, l.cpu.other].map((c) => c.toFixed(2)).join(' / ')} | ` +
        `${fixed(l.loadAverage[0], 2)} |`
      );
    }),
    '',
    ...r.loads.map((l) => `- ${l.name}: ${l.description}`),
    '',
    `| one request at a time (${r.samples} each, new connection) | median ms | min ms | max ms | every answer | as expected | load avg 1 min |`,
    '| --- | ---: | ---: | ---: | --- | --- | ---: |',
    ...r.latencies.map(
      (row) =>
        `| ${row.name}: \`${row.request}\` | ${fixed(median(row.ms), 1)} | ${fixed(Math.min(...row.ms), 1)} | ` +
        `${fixed(Math.max(...row.ms), 1)} | ${row.expected} | ` +
        `${row.wrong === 0 ? 'yes' : `**${row.wrong} not**: ${row.problems.join('; ').replace(/\|/g, '\\|').slice(0, 200)}`} | ` +
        `${fixed(row.loadAverage[0], 2)} |`,
    ),
    '',
    `The deep page: reached by walking ${thousands(r.walk.pages)} pages of ${WALK_LIMIT} ` +
      `(${thousands(r.walk.position)} names behind it) in ${(r.walk.totalMs / 1000).toFixed(1)} s, ` +
      `${fixed(r.walk.totalMs / r.walk.pages, 1)} ms a page on average, the slowest ${fixed(r.walk.slowestMs, 1)} ms.` +
      (r.effect.davDomains === null
        ? ''
        : ` The PUT load (warm-up included) gave ${thousands(r.effect.davDomains)} distinct domains the bench DAV ` +
          'server (its domain_count afterwards); the PUTs beyond that picked a domain a second time and ' +
          'replaced its settings with the same ones.'),
    '',
    `Autoconfig after the last PUT /servers/{id}: for ${r.autoconfig.address} (answered just before, so cached) ` +
      (r.autoconfig.afterMs === null
        ? `**still not naming ${r.autoconfig.host}** after ${r.autoconfig.requests} requests (last status ${r.autoconfig.status})`
        : r.autoconfig.afterMs === 0
          ? `the first answer names the new host ${r.autoconfig.host}`
          : `names the new host ${r.autoconfig.host} only after ${fixed(r.autoconfig.afterMs, 0)} ms`) +
      `; for ${r.autoconfig.other} (not asked before) ` +
      (r.autoconfig.otherAfterMs === 0
        ? 'the first answer names it as well.'
        : r.autoconfig.otherAfterMs === null
          ? '**no answer names it**.'
          : `an answer names it after ${fixed(r.autoconfig.otherAfterMs, 0)} ms.`),
    '',
    `Server output: ${r.server.errorLines.length === 0 ? 'no error lines' : `**${r.server.errorLines.length} error lines**, the first: \`${(r.server.errorLines[0] ?? '').replace(/`/g, "'").slice(0, 200)}\``}.`,
    '',
    '| criterion | target | measured | verdict |',
    '| --- | --- | --- | --- |',
    ...r.criteria.map(
      (c) => `| ${c.name} | ${c.target} | ${c.measured} | ${c.pass ? 'PASS' : '**FAIL**'} |`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

const log = (/** @type {string} */ text) => process.stderr.write(`${text}\n`);

/**
 * @typedef {object} Prepared
 * @property {import('./server-process').ChildServer} server
 * @property {string} token
 * @property {import('./databases').BenchDatabase} db
 * @property {number} readyMs
 * @property {number | null} rssAtReadyMiB
 * @property {string} serverLog
 * @property {import('./seed-domains').SeedResult} seeding
 */

/**
 * The throwaway database, the token (made by the CLI), the server with the admin API on,
 * the example seed (which creates the schema) and the N bench domains.
 * @param {AdminOptions} options
 * @param {string} temp
 * @param {ReturnType<typeof cleanupStack>} cleanups
 * @returns {Promise<Prepared>}
 */
async function prepare(options, temp, cleanups) {
  const db = await createBenchDatabase(options.db, temp);
  cleanups.add(() => db.drop());
  log(`database: ${db.description}`);

  const tokensFile = join(temp, 'admin-tokens');
  const cliConfig = join(temp, 'cli.conf');
  writeFileSync(cliConfig, `[automx2]\ndb_uri = ${db.dbUri}\nadmin_tokens_file = ${tokensFile}\n`);
  const token = await createToken(tokensFile, cliConfig);
  log(`token "bench" created in ${tokensFile}`);

  const serverLog = join(temp, 'server.log');
  const { server, readyMs, rssAtReadyMiB } = await startAutomx2({
    temp,
    dbUri: db.dbUri,
    adapter: options.adapter,
    extraConfig: [`admin_tokens_file=${tokensFile}`, ...options.extraConfig],
    logFile: serverLog,
  });
  cleanups.add(() => server.stop());
  log(`server ready in ${readyMs.toFixed(0)} ms (pid ${server.pid})`);
  await seedExample(server);
  log(
    `bulk-seeding ${options.domains.toLocaleString('en-US')} domains (${options.db === 'sqlite' ? 'prepared statements' : options.seedMethod}) ...`,
  );
  const seeding = await seedDomains(db, {
    count: options.domains,
    perProvider: options.perProvider,
    method: options.seedMethod,
    batchSize: options.batchSize,
  });
  log(
    `seeded ${seeding.domains} domains in ${(seeding.totalMs / 1000).toFixed(2)} s: ${Math.round(seeding.domainsPerSecond)} domains/s`,
  );
  return { server, token, db, readyMs, rssAtReadyMiB, serverLog, seeding };
}

/**
 * Checks that the API wants the token and answers a bench domain as seeded; returns the
 * PUT body for bench domain i: its provider and servers as seeded, plus the bench DAV
 * server.
 * @param {string} url
 * @param {string} token
 * @param {AdminOptions} options
 * @returns {Promise<(i: number) => string>}
 */
async function putBodies(url, token, options) {
  const anonymous = await api(url, null, 'GET', '/domains?limit=1');
  if (anonymous.status !== 401)
    throw new Error(`without a token: ${describeAnswer('GET', '/domains?limit=1', anonymous)}`);
  const probe = Math.floor(options.domains / 2);
  const path = `/domains/${benchDomainName(probe)}`;
  const view = (await expectApi(url, token, 'GET', path, 200)).json;
  const servers = (view?.servers ?? []).map((/** @type {Record<string, unknown>} */ s) =>
    without(s, ['id']),
  );
  if (
    view?.name !== benchDomainName(probe) ||
    view?.provider?.name !== benchProviderName(probe, options.perProvider) ||
    !servers.some((/** @type {{ name: unknown }} */ s) => s.name === SHARED_IMAP)
  ) {
    throw new Error(`GET ${API}${path}: not the seeded domain: ${JSON.stringify(view)}`);
  }
  const shortName = view.provider.short_name;
  return (i) =>
    JSON.stringify({
      name: benchDomainName(i),
      provider: { name: benchProviderName(i, options.perProvider), short_name: shortName },
      ldapserver: null,
      servers,
      davservers: [BENCH_DAV],
    });
}

/**
 * (1) and (2): the GET and PUT loads.
 * @param {import('./server-process').ChildServer} server
 * @param {string} token
 * @param {AdminOptions} options
 * @param {string} temp
 * @returns {Promise<LoadMeasurement[]>}
 */
async function measureLoads(server, token, options, temp) {
  const N = options.domains;
  const putBody = await putBodies(server.url, token, options);
  const authorization = { Authorization: `Bearer ${token}` };
  const drawn = `each request for one of ${thousands(options.pool)} bench domains drawn at random from the ${thousands(N)}`;
  /** @type {LoadMeasurement[]} */
  const loads = [];
  log(`(1) GET /domains/{name}, ${options.connections} connections ...`);
  loads.push(
    await measureLoad(server, options, {
      name: 'GET /domains/{name}',
      description: `GET ${API}/domains/d<i>.bench.test, ${drawn} (200 expected)`,
      connections: options.connections,
      pool: randomIndices(N, options.pool).map((i) => ({
        method: 'GET',
        path: `${API}/domains/${benchDomainName(i)}`,
        headers: authorization,
      })),
      expectedStatus: 200,
      scriptFile: join(temp, 'get.lua'),
    }),
  );
  log(`(2) PUT /domains/{name}, ${options.writeConnections} connections ...`);
  loads.push(
    await measureLoad(server, options, {
      name: 'PUT /domains/{name}',
      description:
        `PUT ${API}/domains/d<i>.bench.test, ${drawn}: its provider and the two shared servers ` +
        `as seeded, plus a shared CalDAV server (a body of about ${putBody(0).length} bytes; 200 expected)`,
      connections: options.writeConnections,
      pool: randomIndices(N, options.pool).map((i) => ({
        method: 'PUT',
        path: `${API}/domains/${benchDomainName(i)}`,
        headers: { ...authorization, 'Content-Type': 'application/json' },
        body: putBody(i),
      })),
      expectedStatus: 200,
      scriptFile: join(temp, 'put.lua'),
    }),
  );
  for (const l of loads) {
    log(
      `${l.name}: ${Math.round(l.result.rps)} req/s, p99 ${l.result.p99Ms.toFixed(2)} ms, answers ${JSON.stringify(l.statusCodes)}`,
    );
  }
  return loads;
}

/**
 * @typedef {object} PutEffect  what the PUT load left behind
 * @property {number | null} davDomains  domains using the bench DAV server
 * @property {string | null} example     one of them
 * @property {boolean} shown             its GET /domains/{name} lists the DAV server
 */

/**
 * Finds the bench DAV server, how many domains use it, and whether one of them shows it.
 * @param {string} url
 * @param {string} token
 * @returns {Promise<PutEffect>}
 */
async function putEffect(url, token) {
  const list = (await expectApi(url, token, 'GET', '/davservers?limit=500', 200)).json;
  const dav = (list?.items ?? []).find(
    (/** @type {{ url: unknown }} */ d) => d.url === BENCH_DAV.url,
  );
  if (!dav) return { davDomains: null, example: null, shown: false };
  const using = (await expectApi(url, token, 'GET', `/davservers/${dav.id}/domains?limit=1`, 200))
    .json;
  const example = using?.items?.[0]?.name;
  if (typeof example !== 'string')
    return { davDomains: dav.domain_count, example: null, shown: false };
  const view = (await expectApi(url, token, 'GET', `/domains/${encodeURIComponent(example)}`, 200))
    .json;
  const shown = (view?.davservers ?? []).some(
    (/** @type {{ url: unknown }} */ d) => d.url === BENCH_DAV.url,
  );
  return {
    davDomains: typeof dav.domain_count === 'number' ? dav.domain_count : null,
    example,
    shown,
  };
}

/**
 * (3), the lists: first page, the deep page (walking there first), search rare and common.
 * @param {string} url
 * @param {string} token
 * @param {AdminOptions} options
 * @returns {Promise<{ latencies: LatencyRow[], walk: Walk }>}
 */
async function measureLists(url, token, options) {
  const { samples, domains: N } = options;
  const get = (/** @type {string} */ path) => () => api(url, token, 'GET', path);
  /** @type {LatencyRow[]} */
  const latencies = [];
  latencies.push(
    await sampleLatency(
      'first page',
      'GET /domains?limit=50',
      '200, 50 items, a next_cursor',
      samples,
      get('/domains?limit=50'),
      (a) => pageProblem(a, { items: 50, more: true }),
    ),
  );
  log(`walking GET /domains?limit=${WALK_LIMIT} to the middle of the list ...`);
  const walk = await walkTo(url, token, Math.floor(N / 2));
  log(`walked ${walk.pages} pages in ${(walk.totalMs / 1000).toFixed(1)} s`);
  const deepPath = (/** @type {number} */ limit) =>
    `/domains?limit=${limit}&cursor=${encodeURIComponent(walk.cursor)}`;
  const following = (await expectApi(url, token, 'GET', deepPath(WALK_LIMIT), 200)).json;
  const deepNames = (following?.items ?? [])
    .slice(0, 50)
    .map((/** @type {{ name: string }} */ item) => item.name);
  latencies.push(
    await sampleLatency(
      `deep page (after ${thousands(walk.position)} names)`,
      'GET /domains?limit=50&cursor=…',
      '200, the 50 names that follow in the walk',
      samples,
      get(deepPath(50)),
      (a) => pageProblem(a, { items: 50, more: true, names: deepNames }),
    ),
  );
  // `d<i>.bench` is part of one name only (each is preceded by a `d`).
  const rare = benchDomainName(randomInt(N));
  const rareText = rare.slice(0, rare.indexOf('.bench') + '.bench'.length);
  latencies.push(
    await sampleLatency(
      'search, rare text (1 of N names)',
      `GET /domains?search=${rareText}`,
      `200, only ${rare}`,
      samples,
      get(`/domains?search=${encodeURIComponent(rareText)}`),
      (a) => pageProblem(a, { items: 1, more: false, names: [rare] }),
    ),
  );
  latencies.push(
    await sampleLatency(
      'search, common text (all N names)',
      'GET /domains?search=bench',
      '200, 50 items containing it, a next_cursor',
      samples,
      get('/domains?search=bench'),
      (a) =>
        pageProblem(a, { items: 50, more: true }) ??
        (a.json.items.every((/** @type {{ name: string }} */ i) => i.name.includes('bench'))
          ? null
          : 'a name without "bench"'),
    ),
  );
  return { latencies, walk };
}

/**
 * The IMAP server all bench domains use, from GET /servers.
 * @param {string} url
 * @param {string} token
 * @returns {Promise<Record<string, unknown> & { id: number }>}
 */
async function findSharedServer(url, token) {
  /** @type {string | null} */
  let cursor = null;
  do {
    /** @type {string} */
    const path = `/servers?limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    /** @type {any} the answer's JSON */
    const page = (await expectApi(url, token, 'GET', path, 200)).json;
    const shared = (page?.items ?? []).find(
      (/** @type {{ name: unknown, type: unknown }} */ s) =>
        s.name === SHARED_IMAP && s.type === 'imap',
    );
    if (shared) return shared;
    cursor = typeof page?.next_cursor === 'string' ? page.next_cursor : null;
  } while (cursor !== null);
  throw new Error(`GET ${API}/servers: no ${SHARED_IMAP}`);
}

/**
 * @typedef {object} AutoconfigCheck  (4)
 * @property {string} address   answered (and cached) just before the last PUT /servers/{id}
 * @property {boolean} oldHostBefore  that answer named the host before the PUT
 * @property {string} host      the host after it
 * @property {number | null} afterMs  0: the first answer after the PUT named it; null: never
 * @property {number} status
 * @property {number} requests
 * @property {string} other     an address not asked before
 * @property {number | null} otherAfterMs
 */

/**
 * (3), the shared server: GET and PUT /servers/{id} (each PUT renames it); then (4).
 * @param {string} url
 * @param {string} token
 * @param {AdminOptions} options
 * @returns {Promise<{ latencies: LatencyRow[], autoconfig: AutoconfigCheck }>}
 */
async function measureSharedServer(url, token, options) {
  const { samples, domains: N } = options;
  const shared = await findSharedServer(url, token);
  const path = `/servers/${shared.id}`;
  /** @type {LatencyRow[]} */
  const latencies = [];
  latencies.push(
    await sampleLatency(
      'the shared server',
      `GET ${path}`,
      `200, domain_count ${thousands(N)}`,
      samples,
      () => api(url, token, 'GET', path),
      (a) => (a.json?.domain_count === N ? null : `domain_count ${a.json?.domain_count}`),
    ),
  );
  const columns = without(shared, ['id', 'domain_count']);
  const hostOf = (/** @type {number} */ k) => (k < 0 ? SHARED_IMAP : `imap-${k + 1}.bench.test`);
  const probe = Math.floor(N / 2);
  const address = `user@${benchDomainName(probe)}`;
  const other = `user@${benchDomainName((probe + 1) % N)}`;
  let oldHostBefore = false;
  latencies.push(
    await sampleLatency(
      'rename the shared server',
      `PUT ${path}`,
      `200, the new name, domain_count ${thousands(N)}`,
      samples,
      async (k) => {
        if (k === samples - 1) {
          // Just before the last PUT: autoconfig for a bench domain (now cached).
          oldHostBefore = (await autoconfigNames(url, address, hostOf(k - 1), 0)).afterMs === 0;
        }
        return api(url, token, 'PUT', path, { ...columns, name: hostOf(k) });
      },
      (a, k) =>
        a.status !== 200
          ? `status ${a.status}`
          : a.json?.name !== hostOf(k)
            ? `name ${a.json?.name}`
            : a.json?.domain_count !== N
              ? `domain_count ${a.json?.domain_count}`
              : null,
    ),
  );
  // (4) Polled past cache_ttl (default 5 s) to say how late the new host shows, if not at once.
  const host = hostOf(samples - 1);
  const ttlPair = [...options.extraConfig].reverse().find((p) => p.startsWith('cache_ttl='));
  const ttlS = Number(ttlPair?.slice('cache_ttl='.length) ?? 5);
  const budgetMs = ((Number.isFinite(ttlS) ? ttlS : 5) + 5) * 1000;
  const cached = await autoconfigNames(url, address, host, budgetMs);
  const fresh = await autoconfigNames(url, other, host, budgetMs);
  log(
    `autoconfig names ${host}: ${cached.afterMs === 0 ? 'at once' : `after ${cached.afterMs} ms`}`,
  );
  return {
    latencies,
    autoconfig: {
      address,
      oldHostBefore,
      host,
      afterMs: cached.afterMs,
      status: cached.status,
      requests: cached.requests,
      other,
      otherAfterMs: fresh.afterMs,
    },
  };
}

/**
 * The verdict's criteria.
 * @param {LoadMeasurement[]} loads
 * @param {PutEffect} effect
 * @param {LatencyRow[]} latencies
 * @param {AutoconfigCheck} autoconfig
 * @param {string[]} errorLines
 * @returns {Criterion[]}
 */
function criteriaOf(loads, effect, latencies, autoconfig, errorLines) {
  const ms = (/** @type {number | null} */ v) => (v === null ? 'never' : `${fixed(v, 0)} ms`);
  return [
    ...loads.map((l) => {
      const { socketErrors, timeouts, requests } = l.result;
      return {
        name: `${l.name}: every answer ${l.expectedStatus}`,
        target: thousands(requests),
        measured:
          `${thousands(l.answeredAsExpected)} of ${thousands(requests)}` +
          (socketErrors || timeouts
            ? `; ${thousands(socketErrors)} socket errors, ${thousands(timeouts)} timeouts`
            : ''),
        pass:
          requests > 0 && l.answeredAsExpected === requests && socketErrors === 0 && timeouts === 0,
      };
    }),
    {
      name: 'PUT /domains/{name} wrote',
      target: 'the bench DAV server used by ≥ 1 domain, and in its view',
      measured:
        effect.davDomains === null
          ? 'no bench DAV server in GET /davservers'
          : `${thousands(effect.davDomains)} domains use it; ${effect.example ?? '–'} ${effect.shown ? 'shows' : '**does not show**'} it`,
      pass: effect.davDomains !== null && effect.davDomains > 0 && effect.shown,
    },
    ...latencies.map((row) => ({
      name: row.name,
      target: row.expected,
      measured: `${row.ms.length - row.wrong} of ${row.ms.length}`,
      pass: row.wrong === 0,
    })),
    {
      name: 'autoconfig names the new host',
      target:
        'the first answer after the last PUT /servers/{id}, for a domain answered just before and for another',
      measured:
        (autoconfig.oldHostBefore ? '' : 'the answer before the PUT did not name the old host; ') +
        (autoconfig.afterMs === 0 && autoconfig.otherAfterMs === 0
          ? 'yes'
          : `answered before: ${ms(autoconfig.afterMs)}; other: ${ms(autoconfig.otherAfterMs)}`),
      pass: autoconfig.oldHostBefore && autoconfig.afterMs === 0 && autoconfig.otherAfterMs === 0,
    },
    {
      name: 'no error in the server output',
      target: '0 lines',
      measured: `${errorLines.length} lines`,
      pass: errorLines.length === 0,
    },
  ];
}

/**
 * `npm run bench -- admin [options]`.
 * @param {string[]} argv
 * @returns {Promise<void>}
 */
async function runAdmin(argv) {
  const options = optionsOrUsage(parseAdminOptions, argv, USAGE);
  if (options === null) return;
  for (const file of [ENTRY, CLI]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run bench -- ${ADMIN}\` (it builds first)`);
  }
  if (options.tool === 'wrk' && !findWrk())
    throw new Error('wrk is not installed (apt-get install wrk), or use --tool autocannon');

  const cleanups = cleanupStack(log);
  const interrupted = () => {
    log('interrupted: stopping the load and the server, dropping the database');
    stopLoad();
    void cleanups.run().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    const date = new Date().toISOString();
    const stamp = date.replace(/[:.]/g, '-');
    const commit = report.commit(ROOT);
    const loadAverageAtStart = loadavg();
    const temp = mkdtempSync(join(tmpdir(), 'automx2-admin-'));
    cleanups.add(() => Promise.resolve(rmSync(temp, { recursive: true, force: true })));
    const prepared = await prepare(options, temp, cleanups);
    const { server, token } = prepared;

    const loads = await measureLoads(server, token, options, temp);
    const effect = await putEffect(server.url, token);
    const lists = await measureLists(server.url, token, options);
    const shared = await measureSharedServer(server.url, token, options);
    const loadAverageAtEnd = loadavg();

    await server.stop();
    await server.closed;
    const output = existsSync(prepared.serverLog) ? readFileSync(prepared.serverLog, 'utf8') : '';
    const errorLines = output
      .split('\n')
      .filter((line) => /\b(ERROR|CRITICAL|FATAL)\b|^\s+at |Error:/.test(line));
    let logFile = null;
    if (errorLines.length > 0) {
      logFile = `${stamp}-${ADMIN}-server.log`;
      copyFileSync(prepared.serverLog, join(RESULTS_DIR, logFile));
    }
    const latencies = [...lists.latencies, ...shared.latencies];
    const criteria = criteriaOf(loads, effect, latencies, shared.autoconfig, errorLines);

    /** @type {AdminReport} */
    const result = {
      date,
      commit,
      machine: report.machine(),
      tool: options.tool,
      database: prepared.db.description,
      adapter: options.adapter,
      extraConfig: options.extraConfig,
      durationS: options.durationS,
      warmupS: options.warmupS,
      samples: options.samples,
      readyMs: prepared.readyMs,
      rssAtReadyMiB: prepared.rssAtReadyMiB,
      seeding: prepared.seeding,
      loadAverageAtStart,
      loadAverageAtEnd,
      loads,
      effect,
      walk: lists.walk,
      latencies,
      autoconfig: shared.autoconfig,
      server: { errorLines: errorLines.slice(0, 50), logFile },
      criteria,
      pass: criteria.every((c) => c.pass),
    };
    const markdown = markdownAdmin(result);
    process.stdout.write(`\n${markdown}`);
    const jsonFile = report.writeJson(RESULTS_DIR, result, `-${ADMIN}`);
    log(`\nJSON: ${jsonFile}`);
    if (logFile) log(`server output: ${join(RESULTS_DIR, logFile)}`);
    if (options.appendResults) {
      await report.appendResults(join(__dirname, 'RESULTS.md'), markdown);
      log('appended to bench/RESULTS.md');
    }
    if (!result.pass) process.exitCode = 1;
  } finally {
    await cleanups.run();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
}

module.exports = { runAdmin, parseAdminOptions, markdownAdmin, randomIndices };
