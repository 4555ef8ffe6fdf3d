'use strict';
/*
 * `npm run bench -- soak` (issue 7): mixed traffic for 10 minutes against the real server
 * on a throwaway PostgreSQL database. wrk drives the load (one long run, a Lua script
 * picking each request by weight); meanwhile this process samples the server's RSS from
 * /proc every few seconds and scrapes its GET /metrics every 10 s (request counters, event
 * loop delay, heap). Verdict: zero 5xx, zero dropped connections, RSS growth after the
 * warm-up under 10 %; the event-loop delay p99 is reported.
 */
const { mkdtempSync, rmSync, readFileSync, copyFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setInterval, clearInterval } = require('node:timers');
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
const { findWrk, runWrk, stopLoad, fillPlaceholders } = require('./load');
const report = require('./report');
const { SOAK, SOAK_MIX } = require('./scenarios');
const { rssMiB, processTree } = require('./server-process');

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const QUIET_CORES = 0.3;
/** RSS may grow by less than this fraction after the warm-up. */
const RSS_GROWTH_LIMIT = 0.1;

const USAGE = `usage: npm run bench -- soak [options]     (or: --scenario soak)
  Mixed traffic (65 % autoconfig, 20 % autodiscover POST, 10 % mobileconfig, 5 % unknown
  domains and malformed input) with wrk; verdict: zero 5xx, zero dropped connections, RSS
  growth after the warm-up < 10 %; event-loop delay p99 of the server reported.
  --duration S              default 600
  --db postgres|sqlite|mysql  default postgres (a throwaway database)
  --adapter fastify|express default fastify
  --connections C           default 64
  --timeout S               wrk gives up on a request after S s (counted as dropped), default 5
  --rss-warmup S            RSS is compared from S s on, default 10 % of the duration (≥ 10)
  --rss-interval S          RSS sampling period, default 2
  --metrics-interval S      GET /metrics period, default 10
  --set key=value           extra [automx2] keys for the server (repeatable)
  --wait-quiet S            wait up to S s for an idle machine (< 0.3 busy cores) before the load
  --append-results          append the report to bench/RESULTS.md
Exit code 1 when a criterion fails. Results: bench/results/<date>-soak.json (and the
server's output in <date>-soak-server.log when it wrote anything).`;

/**
 * @typedef {object} SoakOptions
 * @property {boolean} help
 * @property {import('./databases').BenchDialect} db
 * @property {string} adapter
 * @property {number} durationS
 * @property {number} connections
 * @property {number} timeoutS
 * @property {number} rssWarmupS
 * @property {number} rssIntervalS
 * @property {number} metricsIntervalS
 * @property {string[]} extraConfig
 * @property {number} waitQuietS
 * @property {boolean} appendResults
 */

/**
 * @param {string[]} argv
 * @returns {SoakOptions}
 */
function parseSoakOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true, default: [] },
      db: { type: 'string', default: 'postgres' },
      adapter: { type: 'string', default: 'fastify' },
      duration: { type: 'string', default: '600' },
      connections: { type: 'string', default: '64' },
      timeout: { type: 'string', default: '5' },
      'rss-warmup': { type: 'string' },
      'rss-interval': { type: 'string', default: '2' },
      'metrics-interval': { type: 'string', default: '10' },
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
  if (names.some((n) => n !== SOAK)) throw new UsageError('the soak runs alone: no other scenario');
  const db = dbOption(values.db, 'postgres');
  const adapter = adapterOption(values.adapter);
  const durationS = integerOption('duration', values.duration, 10);
  const extraConfig = setOptions(values.set);
  const rssWarmupS =
    values['rss-warmup'] === undefined
      ? Math.max(10, Math.round(durationS / 10))
      : integerOption('rss-warmup', values['rss-warmup']);
  if (rssWarmupS * 2 >= durationS)
    throw new UsageError('--rss-warmup: must be less than half the duration');
  return {
    help: values.help ?? false,
    db,
    adapter,
    durationS,
    connections: integerOption('connections', values.connections),
    timeoutS: integerOption('timeout', values.timeout),
    rssWarmupS,
    rssIntervalS: integerOption('rss-interval', values['rss-interval']),
    metricsIntervalS: integerOption('metrics-interval', values['metrics-interval']),
    extraConfig,
    waitQuietS: integerOption('wait-quiet', values['wait-quiet'], 0),
    appendResults: values['append-results'] ?? false,
  };
}

/**
 * @typedef {{ name: string, labels: Record<string, string>, value: number }} PromSample
 */

/**
 * Prometheus text exposition → samples (comments skipped).
 * @param {string} text
 * @returns {PromSample[]}
 */
function parseMetrics(text) {
  /** @type {PromSample[]} */
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    /** @type {Record<string, string>} */
    const labels = {};
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] ?? ''] = label[2] ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * @typedef {object} MetricsPoint  one scrape of GET /metrics
 * @property {number} tS            seconds since the load started (negative: before)
 * @property {string | null} error  the scrape failed (then the numbers are null / empty)
 * @property {Record<string, number>} requests  automx2_http_requests_total by "route status",
 *   the scrapes themselves left out
 * @property {number | null} eventLoopP99Ms  p99 of the event-loop delay since the previous
 *   scrape (prom-client resets its histogram at every scrape)
 * @property {number | null} eventLoopMaxMs
 * @property {number | null} eventLoopMeanMs
 * @property {number | null} heapUsedMiB
 * @property {number | null} rssMiB         process_resident_memory_bytes
 * @property {number | null} dbErrors       automx2_db_query_errors_total
 * @property {import('./cpu').CpuShares | null} cpu  average cores since the previous scrape
 */

/**
 * @param {string} url
 * @param {number} tS
 * @returns {Promise<MetricsPoint>}
 */
async function scrape(url, tS) {
  /** @type {MetricsPoint} */
  const point = {
    tS,
    error: null,
    requests: {},
    eventLoopP99Ms: null,
    eventLoopMaxMs: null,
    eventLoopMeanMs: null,
    heapUsedMiB: null,
    rssMiB: null,
    dbErrors: null,
    cpu: null,
  };
  let answer;
  try {
    answer = await httpRequest(url, { path: '/metrics', timeoutMs: 10_000 });
  } catch (error) {
    return { ...point, error: error instanceof Error ? error.message : String(error) };
  }
  if (answer.status !== 200) return { ...point, error: `GET /metrics answered ${answer.status}` };
  const one = (/** @type {PromSample[]} */ samples, /** @type {string} */ name) =>
    samples.find((s) => s.name === name)?.value ?? null;
  const samples = parseMetrics(answer.body.toString('utf8'));
  for (const s of samples) {
    if (s.name !== 'automx2_http_requests_total' || /metrics/.test(s.labels.route ?? '')) continue;
    const key = `${s.labels.route ?? '?'} ${s.labels.status ?? '?'}`;
    point.requests[key] = (point.requests[key] ?? 0) + s.value;
  }
  const ms = (/** @type {number | null} */ seconds) => (seconds === null ? null : seconds * 1000);
  const mib = (/** @type {number | null} */ bytes) => (bytes === null ? null : bytes / 2 ** 20);
  return {
    ...point,
    eventLoopP99Ms: ms(one(samples, 'nodejs_eventloop_lag_p99_seconds')),
    eventLoopMaxMs: ms(one(samples, 'nodejs_eventloop_lag_max_seconds')),
    eventLoopMeanMs: ms(one(samples, 'nodejs_eventloop_lag_mean_seconds')),
    heapUsedMiB: mib(one(samples, 'nodejs_heap_size_used_bytes')),
    rssMiB: mib(one(samples, 'process_resident_memory_bytes')),
    dbErrors: one(samples, 'automx2_db_query_errors_total'),
  };
}

/**
 * @param {Record<string, number>} later
 * @param {Record<string, number>} earlier
 * @returns {Record<string, number>} per-key increase
 */
function counterDelta(later, earlier) {
  /** @type {Record<string, number>} */
  const delta = {};
  for (const [key, value] of Object.entries(later)) {
    const d = value - (earlier[key] ?? 0);
    if (d !== 0) delta[key] = d;
  }
  return delta;
}

/**
 * Sums counts by status class ("2xx" …) from keys ending in a status code.
 * @param {Record<string, number>} counts  "200" → n, or "route 200" → n
 * @returns {Record<string, number>}
 */
function byClass(counts) {
  /** @type {Record<string, number>} */
  const classes = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  for (const [key, n] of Object.entries(counts)) {
    const status = Number(key.split(' ').pop());
    const name = `${Math.floor(status / 100)}xx`;
    classes[name] = (classes[name] ?? 0) + n;
  }
  return classes;
}

/**
 * @param {import('./load').LoadResult & { raw?: string }} result
 * @returns {import('./load').LoadResult} without wrk's text output
 */
function withoutRaw(result) {
  const copy = { ...result };
  delete copy.raw;
  return copy;
}

const sum = (/** @type {number[]} */ values) => values.reduce((a, b) => a + b, 0);
const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const maxOf = (/** @type {number[]} */ values) => (values.length ? Math.max(...values) : null);

/**
 * Least-squares slope of RSS over time, in MiB per minute.
 * @param {{ tS: number, mib: number }[]} samples
 * @returns {number | null}
 */
function slopePerMinute(samples) {
  if (samples.length < 3) return null;
  const n = samples.length;
  const mt = sum(samples.map((s) => s.tS)) / n;
  const mm = sum(samples.map((s) => s.mib)) / n;
  const num = sum(samples.map((s) => (s.tS - mt) * (s.mib - mm)));
  const den = sum(samples.map((s) => (s.tS - mt) ** 2));
  return den === 0 ? null : (num / den) * 60;
}

/**
 * @typedef {object} SoakRow  one window of the over-time table
 * @property {number} fromS
 * @property {number} toS
 * @property {number} requests
 * @property {number} rps
 * @property {number} status4xx
 * @property {number} status5xx
 * @property {number | null} rssMaxMiB
 * @property {number | null} heapUsedMiB   at the window's last scrape
 * @property {number | null} eventLoopP99Ms   worst 10-s p99 in the window
 * @property {number | null} eventLoopMaxMs
 * @property {number | null} serverCores
 * @property {number | null} otherCores
 */

/**
 * Groups the scrape intervals (and RSS samples) into windows of `bucketS` seconds.
 * @param {MetricsPoint[]} points  baseline first
 * @param {{ tS: number, mib: number }[]} rss
 * @param {number} durationS
 * @param {number} bucketS
 * @returns {SoakRow[]}
 */
function overTime(points, rss, durationS, bucketS) {
  const count = Math.max(1, Math.ceil(durationS / bucketS));
  /** @type {{ from: MetricsPoint, to: MetricsPoint }[][]} */
  const buckets = Array.from({ length: count }, () => []);
  /** @type {MetricsPoint | null} */
  let previous = null;
  for (const point of points) {
    if (point.error !== null) continue;
    if (previous !== null) {
      const middle = (previous.tS + point.tS) / 2;
      const index = Math.min(count - 1, Math.max(0, Math.floor(middle / bucketS)));
      buckets[index]?.push({ from: previous, to: point });
    }
    previous = point;
  }
  return buckets.map((intervals, i) => {
    const fromS = i * bucketS;
    const toS = Math.min(durationS, (i + 1) * bucketS);
    const deltas = intervals.map((v) => counterDelta(v.to.requests, v.from.requests));
    const seconds = sum(intervals.map((v) => v.to.tS - v.from.tS));
    const requests = sum(deltas.map((d) => sum(Object.values(d))));
    const classes = deltas.map(byClass);
    const weighted = (/** @type {(c: import('./cpu').CpuShares) => number} */ pick) => {
      const parts = intervals.filter((v) => v.to.cpu !== null);
      const time = sum(parts.map((v) => v.to.cpu?.elapsedS ?? 0));
      return time > 0
        ? sum(parts.map((v) => (v.to.cpu ? pick(v.to.cpu) * v.to.cpu.elapsedS : 0))) / time
        : null;
    };
    const inWindow = rss.filter((s) => s.tS >= fromS && s.tS < toS + (i === count - 1 ? 5 : 0));
    return {
      fromS,
      toS,
      requests,
      rps: seconds > 0 ? requests / seconds : 0,
      status4xx: sum(classes.map((c) => c['4xx'] ?? 0)),
      status5xx: sum(classes.map((c) => c['5xx'] ?? 0)),
      rssMaxMiB: maxOf(inWindow.map((s) => s.mib)),
      heapUsedMiB: intervals.at(-1)?.to.heapUsedMiB ?? null,
      eventLoopP99Ms: maxOf(
        intervals.flatMap((v) => (v.to.eventLoopP99Ms === null ? [] : [v.to.eventLoopP99Ms])),
      ),
      eventLoopMaxMs: maxOf(
        intervals.flatMap((v) => (v.to.eventLoopMaxMs === null ? [] : [v.to.eventLoopMaxMs])),
      ),
      serverCores: weighted((c) => c.server),
      otherCores: weighted((c) => c.other),
    };
  });
}

/**
 * @typedef {object} SoakReport
 * @property {string} date
 * @property {string} commit
 * @property {import('./report').Machine} machine
 * @property {string} database
 * @property {string} adapter
 * @property {number} connections
 * @property {number} durationS
 * @property {number} timeoutS
 * @property {number} rssIntervalS
 * @property {number} metricsIntervalS
 * @property {string[]} extraConfig
 * @property {number} readyMs
 * @property {number | null} rssAtReadyMiB
 * @property {{ waitedS: number, busyCores: number } | null} quietWait
 * @property {{ kind: string, description: string, weight: number, malformed: boolean,
 *   request: string, status: number, expected: number, bytes: number }[]} mix  one reference request of each kind before the load
 * @property {import('./load').LoadResult} load   what wrk saw
 * @property {Record<string, number>} classes     wrk's answers by status class
 * @property {Record<string, number>} serverRequests  automx2_http_requests_total during the load
 * @property {number | null} serverDbErrors
 * @property {{ atReadyMiB: number | null, warmupS: number, atWarmupMiB: number | null,
 *   maxMiB: number | null, finalMiB: number | null, warmupPeakMiB: number | null,
 *   finalPeakMiB: number | null, growth: number | null, pointGrowth: number | null,
 *   trendMiBPerMin: number | null, samples: { tS: number, mib: number }[] }} rss
 * @property {{ idleP99Ms: number | null, medianP99Ms: number | null, worstP99Ms: number | null,
 *   finalP99Ms: number | null, maxMs: number | null }} eventLoop
 * @property {MetricsPoint[]} points
 * @property {SoakRow[]} rows
 * @property {import('./cpu').CpuShares} cpu   average over the whole load
 * @property {{ code: number | null, logLines: number, errorLines: string[], logFile: string | null,
 *   logTail: string }} server  errorLines: ERROR/CRITICAL lines and stack frames (the first 50)
 * @property {{ name: string, target: string, measured: string, short: string, pass: boolean }[]} criteria
 * @property {boolean} pass
 */

const thousands = (/** @type {number} */ value) => Math.round(value).toLocaleString('en-US');
const fixed = (/** @type {number | null} */ value, /** @type {number} */ digits) =>
  value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const percent = (/** @type {number | null} */ value) =>
  value === null ? '–' : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

/**
 * The verdict line.
 * @param {SoakReport} r
 * @returns {string}
 */
function verdictLine(r) {
  const el = r.eventLoop;
  return (
    `**Verdict: ${r.pass ? 'PASS' : 'FAIL'}** — ` +
    r.criteria.map((c) => `${c.name} ${c.pass ? 'PASS' : '**FAIL**'} (${c.short})`).join(' · ') +
    ` · event-loop delay p99 ${fixed(el.medianP99Ms, 1)} ms (median of the ${r.metricsIntervalS}-s windows; ` +
    `worst ${fixed(el.worstP99Ms, 1)} ms, last ${fixed(el.finalP99Ms, 1)} ms, idle ${fixed(el.idleP99Ms, 1)} ms)`
  );
}

/**
 * @param {SoakReport} r
 * @returns {string}
 */
function markdownSoak(r) {
  const m = r.machine;
  const l = r.load;
  const kinds = l.socketErrorKinds ?? { connect: 0, read: 0, write: 0 };
  const malformedShare =
    sum(r.mix.filter((x) => x.malformed && x.expected >= 400).map((x) => x.weight)) /
    sum(r.mix.map((x) => x.weight));
  const total = sum(Object.values(r.classes));
  const codes = Object.entries(l.statusCodes ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, n]) => `${code}: ${thousands(n)}`)
    .join(', ');
  const serverCounts = Object.entries(r.serverRequests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `\`${key}\` ${thousands(n)}`)
    .join(', ');
  const rss = r.rss;
  const lines = [
    `### ${r.date} · commit ${r.commit} · soak · ${r.database} · ${r.adapter}`,
    '',
    `**Soak (issue 7): ${r.durationS} s of mixed traffic, \`wrk -t1 -c${r.connections} --timeout ${r.timeoutS}s\`, ` +
      `one run on persistent connections. The load generator and the server share this ${m.cores}-core machine** ` +
      `(${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}), Node ${m.node}. ` +
      'NODE_ENV=production, loglevel WARNING, loopback, seeded with test/fixtures/seed-example.json. ' +
      `RSS from /proc every ${r.rssIntervalS} s, GET /metrics every ${r.metricsIntervalS} s.` +
      (r.extraConfig.length > 0 ? ` Extra config: ${r.extraConfig.join(', ')}.` : ''),
    '',
    `Ready in ${r.readyMs.toFixed(0)} ms; RSS at ready ${fixed(r.rssAtReadyMiB, 0)} MiB.` +
      (r.quietWait
        ? ` Waited ${r.quietWait.waitedS.toFixed(0)} s for a quiet machine (last second: ${r.quietWait.busyCores.toFixed(2)} busy cores).`
        : ''),
    '',
    verdictLine(r),
    '',
    '| criterion | target | measured | verdict |',
    '| --- | --- | --- | --- |',
    ...r.criteria.map(
      (c) => `| ${c.name} | ${c.target} | ${c.measured} | ${c.pass ? 'PASS' : '**FAIL**'} |`,
    ),
    `| event-loop delay p99 (server, \`nodejs_eventloop_lag_p99_seconds\` per ${r.metricsIntervalS}-s window) | reported | median ${fixed(r.eventLoop.medianP99Ms, 1)} ms, worst window ${fixed(r.eventLoop.worstP99Ms, 1)} ms, last ${fixed(r.eventLoop.finalP99Ms, 1)} ms; max delay ${fixed(r.eventLoop.maxMs, 1)} ms; idle before the load ${fixed(r.eventLoop.idleP99Ms, 1)} ms | – |`,
  ];
  lines.push(
    '',
    'Event-loop delay as prom-client measures it (`monitorEventLoopDelay`, a 10 ms timer; the ' +
      'histogram is reset at every scrape, so each value covers one window): the values include ' +
      'the 10 ms period itself, an idle loop reads about 10-11 ms, and the time a ready callback ' +
      'waited is the value minus 10 ms.',
  );
  if (r.cpu.other > 0.2) {
    lines.push(
      '',
      `⚠ Other work on the machine used ${r.cpu.other.toFixed(2)} cores on average during the soak ` +
        `(server ${r.cpu.server.toFixed(2)}, load generator ${r.cpu.harness.toFixed(2)}, database ${r.cpu.database.toFixed(2)}): ` +
        'req/s and latencies understate an idle machine; the pass/fail criteria do not depend on speed.',
    );
  }
  lines.push(
    '',
    '| requests | req/s | p50 ms | p99 ms | max ms | 2xx | 3xx | 4xx | 5xx | dropped: connect / read / write / timeout |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${thousands(l.requests)} | ${thousands(l.rps)} | ${fixed(l.p50Ms, 2)} | ${fixed(l.p99Ms, 2)} | ${fixed(l.maxMs, 1)} | ` +
      `${thousands(r.classes['2xx'] ?? 0)} | ${thousands(r.classes['3xx'] ?? 0)} | ${thousands(r.classes['4xx'] ?? 0)} | ` +
      `${thousands(r.classes['5xx'] ?? 0)} | ${kinds.connect} / ${kinds.read} / ${kinds.write} / ${l.timeouts} |`,
    '',
    `Status codes seen by wrk: ${codes || 'none'}. 4xx are the malformed share and expected: ` +
      `${total > 0 ? (((r.classes['4xx'] ?? 0) / total) * 100).toFixed(2) : '–'} % of the answers against ` +
      `${(malformedShare * 100).toFixed(2)} % of the requests sent malformed. ` +
      `The server counted (\`automx2_http_requests_total\`, route status): ${serverCounts || 'nothing'}` +
      `${r.serverDbErrors ? `; database errors ${r.serverDbErrors}` : ''}.`,
    '',
    `RSS: ${fixed(rss.atReadyMiB, 0)} MiB at ready, ${fixed(rss.atWarmupMiB, 0)} MiB at the end of the ` +
      `${rss.warmupS} s warm-up, max ${fixed(rss.maxMiB, 0)} MiB, final ${fixed(rss.finalMiB, 0)} MiB ` +
      `(${percent(rss.pointGrowth)} from the warm-up value). The verdict compares peaks (the heap saws up and down ` +
      `between collections): ${fixed(rss.warmupPeakMiB, 0)} MiB in the ${rss.warmupS} s after the warm-up, ` +
      `${fixed(rss.finalPeakMiB, 0)} MiB in the last ${rss.warmupS} s: **${percent(rss.growth)}**; ` +
      `least-squares trend after the warm-up ${rss.trendMiBPerMin === null ? '–' : `${rss.trendMiBPerMin >= 0 ? '+' : ''}${rss.trendMiBPerMin.toFixed(2)}`} MiB/min.`,
    '',
    `Server process: exit code ${r.server.code === null ? 'none (killed)' : r.server.code} after SIGTERM; ` +
      (r.server.logLines === 0
        ? 'it wrote nothing to stdout/stderr.'
        : `${r.server.logLines} lines of output, ` +
          (r.server.errorLines.length === 0
            ? 'none of them an error or a stack trace.'
            : `**${r.server.errorLines.length} error or stack-trace lines**, the first: \`${(r.server.errorLines[0] ?? '').replace(/`/g, "'").slice(0, 200)}\`.`)),
    '',
    `| window | req/s | 4xx | 5xx | RSS max MiB | heap used MiB | event-loop p99 ms (worst ${r.metricsIntervalS} s) | max delay ms | cores: server / other |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.rows.map(
      (row) =>
        `| ${row.fromS}–${row.toS} s | ${thousands(row.rps)} | ${thousands(row.status4xx)} | ${thousands(row.status5xx)} | ` +
        `${fixed(row.rssMaxMiB, 0)} | ${fixed(row.heapUsedMiB, 0)} | ${fixed(row.eventLoopP99Ms, 1)} | ${fixed(row.eventLoopMaxMs, 1)} | ` +
        `${fixed(row.serverCores, 2)} / ${fixed(row.otherCores, 2)} |`,
    ),
    '',
    'Traffic (each request picked at random by weight; `u<6 digits>` local parts and `d<7 digits>` unknown domains vary per request), with the answer to one request of each kind before the load:',
    '',
    ...r.mix.map(
      (x) =>
        `- ${(x.weight / sum(r.mix.map((y) => y.weight))) * 100} % ${x.kind} (${x.description}): \`${x.request}\` → ${x.status}` +
        (x.status === x.expected ? '' : ` ⚠ expected ${x.expected}`),
    ),
  );
  return `${lines.join('\n')}\n`;
}

const log = (/** @type {string} */ text) => process.stderr.write(`${text}\n`);

/**
 * `npm run bench -- soak [options]`.
 * @param {string[]} argv
 * @returns {Promise<void>}
 */
async function runSoak(argv) {
  const options = optionsOrUsage(parseSoakOptions, argv, USAGE);
  if (options === null) return;
  if (!existsSync(ENTRY))
    throw new Error('dist/main.js is missing: run `npm run bench -- soak` (it builds first)');
  const wrk = findWrk();
  if (!wrk) throw new Error('the soak needs wrk (apt-get install wrk)');

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
    const temp = mkdtempSync(join(tmpdir(), 'automx2-soak-'));
    cleanups.add(() => Promise.resolve(rmSync(temp, { recursive: true, force: true })));
    const db = await createBenchDatabase(options.db, temp);
    cleanups.add(() => db.drop());
    log(`database: ${db.description}`);

    const serverLog = join(temp, 'server.log');
    const { server, readyMs, rssAtReadyMiB } = await startAutomx2({
      temp,
      dbUri: db.dbUri,
      adapter: options.adapter,
      extraConfig: options.extraConfig,
      logFile: serverLog,
    });
    cleanups.add(() => server.stop());
    log(
      `server ready in ${readyMs.toFixed(0)} ms (pid ${server.pid}, RSS ${rssAtReadyMiB?.toFixed(0)} MiB)`,
    );
    await seedExample(server);
    log('seeded test/fixtures/seed-example.json through POST /initdb/');

    // One request of each kind: the statuses the mix is expected to give.
    const mix = [];
    for (const entry of SOAK_MIX) {
      const request = {
        ...entry.request,
        path: fillPlaceholders(entry.request.path),
        body: entry.request.body === undefined ? undefined : fillPlaceholders(entry.request.body),
      };
      const answer = await httpRequest(server.url, request);
      mix.push({
        kind: entry.kind,
        description: entry.description,
        weight: entry.weight,
        malformed: entry.malformed,
        request:
          `${request.method} ${entry.request.path}` +
          (entry.request.headers['Content-Type']
            ? ` (${entry.request.headers['Content-Type']})`
            : ''),
        status: answer.status,
        expected: entry.request.expectedStatus,
        bytes: answer.body.length,
      });
      const flag =
        answer.status === entry.request.expectedStatus
          ? ''
          : ` (expected ${entry.request.expectedStatus})`;
      log(`  ${entry.kind}: ${answer.status}${flag}`);
    }

    const quietWait =
      options.waitQuietS > 0 ? await waitForQuiet(options.waitQuietS, QUIET_CORES) : null;
    if (quietWait)
      log(
        `waited ${quietWait.waitedS.toFixed(0)} s for a quiet machine (${quietWait.busyCores.toFixed(2)} busy cores)`,
      );

    // Idle event-loop delay: what the histogram reads with nothing to do (its 10 ms timer).
    await scrape(server.url, 0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = await scrape(server.url, 0);

    const t0 = performance.now();
    const at = () => (performance.now() - t0) / 1000;
    /** @type {MetricsPoint[]} */
    const points = [{ ...(await scrape(server.url, 0)), tS: 0 }];
    /** @type {{ tS: number, mib: number }[]} */
    const rssSamples = [];
    const sampleRss = () => {
      const mib = rssMiB(server.pid);
      if (mib !== null) rssSamples.push({ tS: at(), mib });
    };
    sampleRss();
    const rssTimer = setInterval(sampleRss, options.rssIntervalS * 1000);
    const whole = cpuWindow(processTree(server.pid));
    let interval = cpuWindow(processTree(server.pid));
    /** @type {Promise<void> | null} */
    let scraping = null;
    const scrapeNow = () => {
      if (scraping) return scraping;
      const cpu = interval.stop();
      interval = cpuWindow(processTree(server.pid));
      const tS = at();
      scraping = scrape(server.url, tS).then((point) => {
        points.push({ ...point, cpu });
        const last = points.at(-1);
        if (last && last.error) log(`  ${tS.toFixed(0)} s: /metrics: ${last.error}`);
        scraping = null;
      });
      return scraping;
    };
    const metricsTimer = setInterval(scrapeNow, options.metricsIntervalS * 1000);
    const progress = setInterval(() => {
      const last = [...points].reverse().find((p) => p.error === null);
      const rss = rssSamples.at(-1);
      log(
        `  ${at().toFixed(0)} s: RSS ${rss ? rss.mib.toFixed(0) : '?'} MiB, ` +
          `${thousands(sum(Object.values(last?.requests ?? {})))} requests answered, event-loop p99 ${fixed(last?.eventLoopP99Ms ?? null, 1)} ms`,
      );
    }, 60_000);

    log(`soak: ${options.durationS} s of mixed traffic, wrk -t1 -c${options.connections} ...`);
    let load;
    try {
      load = await runWrk(
        wrk,
        server.url,
        { kind: 'fixed', entries: SOAK_MIX },
        {
          connections: options.connections,
          durationS: options.durationS,
          scriptFile: join(temp, 'soak.lua'),
          timeoutS: options.timeoutS,
          countStatuses: true,
        },
      );
    } finally {
      clearInterval(rssTimer);
      clearInterval(metricsTimer);
      clearInterval(progress);
    }
    const loadS = at();
    sampleRss();
    if (scraping) await scraping;
    await scrapeNow();
    const cpu = whole.stop();

    const code = await server.stop();
    await server.closed;
    const output = existsSync(serverLog) ? readFileSync(serverLog, 'utf8') : '';
    const logLines = output.split('\n').filter(Boolean).length;
    const errorLines = output
      .split('\n')
      .filter((line) => /\b(ERROR|CRITICAL|FATAL)\b|^\s+at |Error:/.test(line));
    let logFile = null;
    if (logLines > 0) {
      logFile = `${stamp}-soak-server.log`;
      copyFileSync(serverLog, join(RESULTS_DIR, logFile));
    }

    // The numbers.
    const good = points.filter((p) => p.error === null);
    const first = good[0];
    const last = good.at(-1);
    const serverRequests = first && last ? counterDelta(last.requests, first.requests) : {};
    const server5xx = byClass(serverRequests)['5xx'] ?? 0;
    const classes = byClass(load.statusCodes ?? {});
    const kinds = load.socketErrorKinds ?? { connect: 0, read: 0, write: 0 };
    const dropped = kinds.connect + kinds.read + kinds.write + load.timeouts;

    const warmupS = options.rssWarmupS;
    const during = rssSamples.filter((s) => s.tS <= loadS + 0.5);
    const afterWarmup = during.filter((s) => s.tS >= warmupS);
    const atWarmup = afterWarmup[0]?.mib ?? null;
    const finalMiB = during.at(-1)?.mib ?? null;
    const warmupPeak = maxOf(afterWarmup.filter((s) => s.tS < warmupS * 2).map((s) => s.mib));
    const finalPeak = maxOf(during.filter((s) => s.tS >= loadS - warmupS).map((s) => s.mib));
    const growth = warmupPeak !== null && finalPeak !== null ? finalPeak / warmupPeak - 1 : null;

    // Event-loop windows: the scrape intervals under load (the last scrape, just after wrk
    // stopped, may close an interval of a few milliseconds: left out when under half a period).
    const windows = good.slice(1).filter((p, i) => {
      const previous = good[i];
      return previous !== undefined && p.tS - previous.tS >= options.metricsIntervalS / 2;
    });
    const p99s = windows.flatMap((p) => (p.eventLoopP99Ms === null ? [] : [p.eventLoopP99Ms]));
    const eventLoop = {
      idleP99Ms: idle.eventLoopP99Ms,
      medianP99Ms: median(p99s),
      worstP99Ms: maxOf(p99s),
      finalP99Ms: p99s.at(-1) ?? null,
      maxMs: maxOf(
        good.slice(1).flatMap((p) => (p.eventLoopMaxMs === null ? [] : [p.eventLoopMaxMs])),
      ),
    };

    const criteria = [
      {
        name: 'zero 5xx',
        target: '0',
        measured: `${thousands(classes['5xx'] ?? 0)} seen by wrk, ${thousands(server5xx)} counted by the server`,
        short: thousands((classes['5xx'] ?? 0) + server5xx),
        pass: (classes['5xx'] ?? 0) === 0 && server5xx === 0,
      },
      {
        name: 'zero dropped connections',
        target: '0',
        measured:
          `${thousands(dropped)}: connect ${kinds.connect}, read ${kinds.read}, write ${kinds.write}, ` +
          `no answer within ${options.timeoutS} s ${load.timeouts}`,
        short: thousands(dropped),
        pass: dropped === 0,
      },
      {
        name: 'RSS growth after warm-up',
        target: `< ${RSS_GROWTH_LIMIT * 100} %`,
        measured: `${percent(growth)}: peak ${fixed(warmupPeak, 0)} MiB in the ${warmupS} s after the warm-up → ${fixed(finalPeak, 0)} MiB in the last ${warmupS} s`,
        short: percent(growth),
        pass: growth !== null && growth < RSS_GROWTH_LIMIT,
      },
    ];
    const bucketS = options.durationS >= 300 ? 60 : options.metricsIntervalS;

    /** @type {SoakReport} */
    const result = {
      date,
      commit,
      machine: report.machine(),
      database: db.description,
      adapter: options.adapter,
      connections: options.connections,
      durationS: options.durationS,
      timeoutS: options.timeoutS,
      rssIntervalS: options.rssIntervalS,
      metricsIntervalS: options.metricsIntervalS,
      extraConfig: options.extraConfig,
      readyMs,
      rssAtReadyMiB,
      quietWait,
      mix,
      load: withoutRaw(load),
      classes,
      serverRequests,
      serverDbErrors:
        first && last && last.dbErrors !== null ? last.dbErrors - (first.dbErrors ?? 0) : null,
      rss: {
        atReadyMiB: rssAtReadyMiB,
        warmupS,
        atWarmupMiB: atWarmup,
        maxMiB: maxOf(during.map((s) => s.mib)),
        finalMiB,
        warmupPeakMiB: warmupPeak,
        finalPeakMiB: finalPeak,
        growth,
        pointGrowth: atWarmup !== null && finalMiB !== null ? finalMiB / atWarmup - 1 : null,
        trendMiBPerMin: slopePerMinute(afterWarmup),
        samples: rssSamples,
      },
      eventLoop,
      points,
      rows: overTime(points, during, options.durationS, bucketS),
      cpu,
      server: {
        code,
        logLines,
        errorLines: errorLines.slice(0, 50),
        logFile,
        logTail: server.output().split('\n').slice(-20).join('\n'),
      },
      criteria,
      pass: criteria.every((c) => c.pass),
    };

    const markdown = markdownSoak(result);
    process.stdout.write(`\n${markdown}`);
    const jsonFile = report.writeJson(RESULTS_DIR, result, '-soak');
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

module.exports = { runSoak, parseMetrics, markdownSoak };
