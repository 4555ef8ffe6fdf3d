'use strict';
/*
 * `npm run bench -- memory-attack` (issue 14, H1): the unauthenticated memory attack.
 * Thousands of ~60 KB Autodiscover POSTs, each naming a different unknown domain, then
 * the server is left idle past `cache_ttl`. RSS is read from /proc before, during (every
 * 250 ms, and at each quarter of the requests) and after, and the V8 heap from
 * GET /metrics before and after. Verdict: the server survives and still answers, every
 * request got its 204, and peak RSS stays under --rss-limit.
 */
const http = require('node:http');
const { mkdtempSync, rmSync, readFileSync, copyFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { performance } = require('node:perf_hooks');
const { setInterval, clearInterval } = require('node:timers');
const { URL } = require('node:url');
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
const report = require('./report');
const { MEMORY_ATTACK } = require('./scenarios');
const { rssMiB, processTree } = require('./server-process');
const { parseMetrics } = require('./soak');

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const QUIET_CORES = 0.3;
/** The Kubernetes memory limit of docker/k8s/deployment.yaml, in MiB: RSS must stay below. */
const DEFAULT_RSS_LIMIT_MIB = 256;
const DEFAULT_CACHE_TTL_S = 5;

const USAGE = `usage: npm run bench -- ${MEMORY_ATTACK} [options]     (or: --scenario ${MEMORY_ATTACK})
  The attack of issue 14 (H1): N Autodiscover POSTs of about 60 KB, each naming a different
  unknown domain, then idle past cache_ttl. RSS before / during / after, heap before / after.
  Verdict: the server survives and answers, every request gets 204, peak RSS < --rss-limit.
  --requests N              attack requests, default 4000
  --body-bytes B            size of each body, default 61440 (body_limit is 65536)
  --connections C           concurrent keep-alive connections, default 16
  --idle S                  seconds idle after the attack, default 3 × cache_ttl (15)
  --max-old-space-size MiB  start the server with this V8 old-space limit (default: V8's own)
  --rss-limit MiB           peak RSS allowed, default ${DEFAULT_RSS_LIMIT_MIB} (docker/k8s memory limit)
  --db sqlite|postgres|mysql  default sqlite (a file in a temp dir)
  --adapter fastify|express default fastify
  --set key=value           extra [automx2] keys for the server (repeatable)
  --entry FILE              the server to start, default dist/main.js (an older build to compare)
  --wait-quiet S            wait up to S s for an idle machine (< 0.3 busy cores) before the attack
  --append-results          append the report to bench/RESULTS.md
Exit code 1 when a criterion fails. Results: bench/results/<date>-memory-attack.json.`;

/**
 * @typedef {object} AttackOptions
 * @property {boolean} help
 * @property {number} requests
 * @property {number} bodyBytes
 * @property {number} connections
 * @property {number | null} idleS
 * @property {number | null} maxOldSpaceMiB
 * @property {number} rssLimitMiB
 * @property {import('./databases').BenchDialect} db
 * @property {string} adapter
 * @property {string[]} extraConfig
 * @property {string} entry
 * @property {number} waitQuietS
 * @property {boolean} appendResults
 */

/**
 * @param {string[]} argv
 * @returns {AttackOptions}
 */
function parseAttackOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true, default: [] },
      requests: { type: 'string', default: '4000' },
      'body-bytes': { type: 'string', default: '61440' },
      connections: { type: 'string', default: '16' },
      idle: { type: 'string' },
      'max-old-space-size': { type: 'string' },
      'rss-limit': { type: 'string', default: String(DEFAULT_RSS_LIMIT_MIB) },
      db: { type: 'string', default: 'sqlite' },
      adapter: { type: 'string', default: 'fastify' },
      set: { type: 'string', multiple: true, default: [] },
      entry: { type: 'string' },
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
  if (names.some((n) => n !== MEMORY_ATTACK)) {
    throw new UsageError(`${MEMORY_ATTACK} runs alone: no other scenario`);
  }
  const bodyBytes = integerOption('body-bytes', values['body-bytes'], 1024);
  return {
    help: values.help ?? false,
    requests: integerOption('requests', values.requests),
    bodyBytes,
    connections: integerOption('connections', values.connections),
    idleS: values.idle === undefined ? null : integerOption('idle', values.idle, 0),
    maxOldSpaceMiB:
      values['max-old-space-size'] === undefined
        ? null
        : integerOption('max-old-space-size', values['max-old-space-size'], 16),
    rssLimitMiB: integerOption('rss-limit', values['rss-limit']),
    db: dbOption(values.db, 'sqlite'),
    adapter: adapterOption(values.adapter),
    extraConfig: setOptions(values.set),
    entry: values.entry === undefined ? ENTRY : resolve(values.entry),
    waitQuietS: integerOption('wait-quiet', values['wait-quiet'], 0),
    appendResults: values['append-results'] ?? false,
  };
}

/**
 * The `cache_ttl` the server runs with (a --set wins over the default).
 * @param {readonly string[]} extraConfig
 * @returns {number}
 */
function cacheTtlS(extraConfig) {
  const pair = [...extraConfig].reverse().find((p) => p.startsWith('cache_ttl='));
  const value = Number(pair?.slice('cache_ttl='.length));
  return pair !== undefined && Number.isFinite(value) ? value : DEFAULT_CACHE_TTL_S;
}

const BODY_HEAD =
  '<?xml version="1.0" encoding="utf-8"?>\r\n' +
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">\r\n' +
  '  <Request>\r\n' +
  '    <EMailAddress>';
const BODY_MIDDLE =
  '</EMailAddress>\r\n' +
  '    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\r\n' +
  '  </Request>\r\n' +
  '  <!-- ';
const BODY_TAIL = ' -->\r\n</Autodiscover>\r\n';

/**
 * A well-formed Outlook request for `address`, padded with a comment to `bytes` bytes
 * (ASCII: one byte per character in the body and in the decoded string alike).
 * @param {string} address
 * @param {number} bytes
 * @returns {Buffer}
 */
function attackBody(address, bytes) {
  const fixedPart = BODY_HEAD.length + address.length + BODY_MIDDLE.length + BODY_TAIL.length;
  const padding = 'x'.repeat(Math.max(0, bytes - fixedPart));
  return Buffer.from(`${BODY_HEAD}${address}${BODY_MIDDLE}${padding}${BODY_TAIL}`, 'utf8');
}

/**
 * A different unknown domain per request (and per run).
 * @param {string} run
 * @param {number} i
 * @returns {string}
 */
function attackAddress(run, i) {
  return `user@d${String(i).padStart(7, '0')}.${run}.unknown-attack.test`;
}

/**
 * @typedef {object} AttackLoad
 * @property {number} sent
 * @property {Record<string, number>} statuses   answers by status code
 * @property {Record<string, number>} errors     socket errors by code
 * @property {number} elapsedS
 */

/**
 * Sends the attack: `count` POSTs over `connections` keep-alive connections; `onAnswer`
 * after each answer (or error). Stops early when the server has gone.
 * @param {string} url
 * @param {AttackOptions} options
 * @param {(done: number) => void} onAnswer
 * @param {() => boolean} serverGone
 * @returns {Promise<AttackLoad>}
 */
async function sendAttack(url, options, onAnswer, serverGone) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const run = Math.random().toString(36).slice(2, 8);
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {Record<string, number>} */
  const errors = {};
  let next = 0;
  let done = 0;
  const started = performance.now();
  const one = (/** @type {number} */ i) =>
    new Promise((resolveOne) => {
      const body = attackBody(attackAddress(run, i), options.bodyBytes);
      const request = http.request(
        {
          host: target.hostname,
          port: Number(target.port),
          method: 'POST',
          path: '/autodiscover/autodiscover.xml',
          agent,
          headers: { 'Content-Type': 'text/xml', 'Content-Length': String(body.length) },
          timeout: 30_000,
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            const key = String(response.statusCode ?? 0);
            statuses[key] = (statuses[key] ?? 0) + 1;
            resolveOne(undefined);
          });
          response.on('error', (error) => {
            const code = /** @type {NodeJS.ErrnoException} */ (error).code ?? error.message;
            errors[code] = (errors[code] ?? 0) + 1;
            resolveOne(undefined);
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => {
        const code = /** @type {NodeJS.ErrnoException} */ (error).code ?? error.message;
        errors[code] = (errors[code] ?? 0) + 1;
        resolveOne(undefined);
      });
      request.end(body);
    });
  const worker = async () => {
    while (next < options.requests && !serverGone()) {
      const i = next++;
      await one(i);
      done += 1;
      onAnswer(done);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  agent.destroy();
  return { sent: next, statuses, errors, elapsedS: (performance.now() - started) / 1000 };
}

/**
 * Heap and RSS as the server reports them (null when it does not answer).
 * @param {string} url
 * @returns {Promise<{ heapUsedMiB: number | null, heapTotalMiB: number | null } | null>}
 */
async function heapOf(url) {
  try {
    const answer = await httpRequest(url, { path: '/metrics', timeoutMs: 10_000 });
    if (answer.status !== 200) return null;
    const samples = parseMetrics(answer.body.toString('utf8'));
    const mib = (/** @type {string} */ name) => {
      const value = samples.find((s) => s.name === name)?.value;
      return value === undefined ? null : value / 2 ** 20;
    };
    return {
      heapUsedMiB: mib('nodejs_heap_size_used_bytes'),
      heapTotalMiB: mib('nodejs_heap_size_total_bytes'),
    };
  } catch {
    return null;
  }
}

/**
 * @param {string} url
 * @returns {Promise<boolean>}
 */
async function answersLive(url) {
  try {
    return (await httpRequest(url, { path: '/healthz/live', timeoutMs: 5000 })).status === 200;
  } catch {
    return false;
  }
}

const fixed = (/** @type {number | null | undefined} */ value, /** @type {number} */ digits) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const thousands = (/** @type {number} */ value) => Math.round(value).toLocaleString('en-US');
const maxOf = (/** @type {number[]} */ values) => (values.length ? Math.max(...values) : null);

/**
 * @typedef {object} AttackReport
 * @property {string} date
 * @property {string} commit
 * @property {import('./report').Machine} machine
 * @property {string} database
 * @property {string} adapter
 * @property {string} entry
 * @property {number | null} maxOldSpaceMiB
 * @property {string[]} extraConfig
 * @property {number} cacheTtlS
 * @property {number} requests
 * @property {number} bodyBytes
 * @property {number} connections
 * @property {number} idleS
 * @property {number} rssLimitMiB
 * @property {number} readyMs
 * @property {{ waitedS: number, busyCores: number } | null} quietWait
 * @property {AttackLoad} load
 * @property {{ atReadyMiB: number | null, beforeMiB: number | null,
 *   quarters: (number | null)[], peakMiB: number | null, endOfAttackMiB: number | null,
 *   afterIdleMiB: number | null, samples: { tS: number, mib: number }[] }} rss
 * @property {{ before: { heapUsedMiB: number | null, heapTotalMiB: number | null } | null,
 *   after: { heapUsedMiB: number | null, heapTotalMiB: number | null } | null }} heap
 * @property {import('./cpu').CpuShares} cpu
 * @property {{ alive: boolean, answers: boolean, code: number | null, signal: string | null,
 *   errorLines: string[], logFile: string | null }} server
 * @property {{ name: string, target: string, measured: string, pass: boolean }[]} criteria
 * @property {boolean} pass
 */

/**
 * @param {AttackReport} r
 * @returns {string}
 */
function markdownAttack(r) {
  const m = r.machine;
  const statusText = Object.entries(r.load.statuses)
    .map(([status, n]) => `${status}: ${thousands(n)}`)
    .join(', ');
  const errorText = Object.entries(r.load.errors)
    .map(([code, n]) => `${code}: ${thousands(n)}`)
    .join(', ');
  const heap = (/** @type {typeof r.heap.before} */ h) =>
    h === null ? 'no answer' : `${fixed(h.heapUsedMiB, 0)} MiB used of ${fixed(h.heapTotalMiB, 0)}`;
  const lines = [
    `### ${r.date} · commit ${r.commit} · ${MEMORY_ATTACK} · ${r.database} · ${r.adapter}` +
      (r.maxOldSpaceMiB === null ? '' : ` · --max-old-space-size=${r.maxOldSpaceMiB}`),
    '',
    `**Memory attack (issue 14, H1): ${thousands(r.requests)} Autodiscover POSTs of ${thousands(r.bodyBytes)} bytes, ` +
      `each naming a different unknown domain, over ${r.connections} keep-alive connections, then ${r.idleS} s idle ` +
      `(cache_ttl ${r.cacheTtlS} s). The load generator and the server share this ${m.cores}-core machine** ` +
      `(${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}), Node ${m.node}. NODE_ENV=production, ` +
      `loglevel WARNING, loopback; V8 heap limit ${r.maxOldSpaceMiB === null ? "V8's default" : `--max-old-space-size=${r.maxOldSpaceMiB}`}` +
      (r.extraConfig.length
        ? `; extra keys: ${r.extraConfig.map((p) => `\`${p}\``).join(', ')}`
        : '') +
      (r.entry === ENTRY ? '' : `; server: \`${r.entry}\``) +
      '. RSS from /proc every 250 ms.',
    '',
    `**Verdict: ${r.pass ? 'PASS' : 'FAIL'}** — ` +
      r.criteria.map((c) => `${c.name} ${c.pass ? 'PASS' : '**FAIL**'}`).join(' · '),
    '',
    '| criterion | target | measured | verdict |',
    '| --- | --- | --- | --- |',
    ...r.criteria.map(
      (c) => `| ${c.name} | ${c.target} | ${c.measured} | ${c.pass ? 'PASS' : 'FAIL'} |`,
    ),
    '',
    '| RSS MiB: at ready | before | 25 % | 50 % | 75 % | 100 % | peak | after idle |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${[r.rss.atReadyMiB, r.rss.beforeMiB, ...r.rss.quarters, r.rss.peakMiB, r.rss.afterIdleMiB].map((v) => fixed(v, 0)).join(' | ')} |`,
    '',
    `Sent ${thousands(r.load.sent)} requests in ${fixed(r.load.elapsedS, 1)} s ` +
      `(${thousands(r.load.sent / Math.max(r.load.elapsedS, 0.001))} req/s); answers ${statusText || 'none'}` +
      (errorText ? `; socket errors ${errorText}` : '') +
      `. V8 heap (GET /metrics): before ${heap(r.heap.before)}, after the idle ${heap(r.heap.after)}. ` +
      `CPU cores during the attack: server ${r.server.alive ? fixed(r.cpu.server, 2) : '–'}, load generator ${fixed(r.cpu.harness, 2)}, ` +
      `other ${fixed(r.cpu.other, 2)}.`,
    '',
    `Server process: ${r.server.alive ? 'alive after the idle' : `**gone** (exit code ${r.server.code ?? '–'}, signal ${r.server.signal ?? '–'})`}` +
      (r.server.errorLines.length === 0
        ? '; no error lines in its output.'
        : `; **${r.server.errorLines.length} error lines**, the first: \`${(r.server.errorLines[0] ?? '').replace(/`/g, "'").slice(0, 200)}\`.`),
  ];
  return `${lines.join('\n')}\n`;
}

const log = (/** @type {string} */ text) => process.stderr.write(`${text}\n`);

/**
 * `npm run bench -- memory-attack [options]`.
 * @param {string[]} argv
 * @returns {Promise<void>}
 */
async function runMemoryAttack(argv) {
  const options = optionsOrUsage(parseAttackOptions, argv, USAGE);
  if (options === null) return;
  if (!existsSync(options.entry)) throw new Error(`${options.entry} is missing`);
  const ttlS = cacheTtlS(options.extraConfig);
  const idleS = options.idleS ?? Math.max(15, Math.ceil(3 * ttlS));

  const cleanups = cleanupStack(log);
  const interrupted = () => {
    log('interrupted: stopping the server');
    void cleanups.run().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    const date = new Date().toISOString();
    const stamp = date.replace(/[:.]/g, '-');
    const commit = report.commit(ROOT);
    const temp = mkdtempSync(join(tmpdir(), 'automx2-attack-'));
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
      nodeFlags:
        options.maxOldSpaceMiB === null ? [] : [`--max-old-space-size=${options.maxOldSpaceMiB}`],
      logFile: serverLog,
      entry: options.entry,
    });
    cleanups.add(() => server.stop());
    log(
      `server ready in ${readyMs.toFixed(0)} ms (pid ${server.pid}, RSS ${rssAtReadyMiB?.toFixed(0)} MiB)`,
    );
    await seedExample(server);
    log('seeded test/fixtures/seed-example.json through POST /initdb/');

    const quietWait =
      options.waitQuietS > 0 ? await waitForQuiet(options.waitQuietS, QUIET_CORES) : null;
    await new Promise((resolveWait) => setTimeout(resolveWait, 2000));
    const heapBefore = await heapOf(server.url);
    const beforeMiB = rssMiB(server.pid);

    const gone = () => server.child.exitCode !== null || server.child.signalCode !== null;
    const t0 = performance.now();
    const at = () => (performance.now() - t0) / 1000;
    /** @type {{ tS: number, mib: number }[]} */
    const samples = [];
    const sample = () => {
      const mib = gone() ? null : rssMiB(server.pid);
      if (mib !== null) samples.push({ tS: at(), mib });
      return mib;
    };
    sample();
    const timer = setInterval(sample, 250);
    /** @type {(number | null)[]} */
    const quarters = [null, null, null, null];
    const marks = [1, 2, 3, 4].map((q) => Math.ceil((options.requests * q) / 4));
    const cpu = cpuWindow(processTree(server.pid));
    log(
      `${MEMORY_ATTACK}: ${options.requests} POSTs of ${options.bodyBytes} bytes, ${options.connections} connections ...`,
    );
    let load;
    try {
      load = await sendAttack(
        server.url,
        options,
        (done) => {
          const q = marks.indexOf(done);
          if (q >= 0) {
            quarters[q] = sample();
            log(`  ${done} answered: RSS ${fixed(quarters[q], 0)} MiB`);
          }
        },
        gone,
      );
    } finally {
      clearInterval(timer);
    }
    const cpuShares = cpu.stop();
    const endOfAttackMiB = sample();
    log(`idle for ${idleS} s (cache_ttl ${ttlS} s) ...`);
    const idleTimer = setInterval(sample, 1000);
    await new Promise((resolveIdle) => setTimeout(resolveIdle, idleS * 1000));
    clearInterval(idleTimer);
    const afterIdleMiB = sample();
    const heapAfter = gone() ? null : await heapOf(server.url);
    const answers = !gone() && (await answersLive(server.url));
    const alive = !gone();

    const code = alive ? await server.stop() : server.child.exitCode;
    await server.closed;
    const output = existsSync(serverLog) ? readFileSync(serverLog, 'utf8') : '';
    const errorLines = output
      .split('\n')
      .filter((line) => /\b(ERROR|CRITICAL|FATAL)\b|out of memory|^\s+at |Error:/.test(line));
    let logFile = null;
    if (output.trim() !== '') {
      logFile = `${stamp}-${MEMORY_ATTACK}-server.log`;
      copyFileSync(serverLog, join(RESULTS_DIR, logFile));
    }

    const answered204 = load.statuses['204'] ?? 0;
    const socketErrors = Object.values(load.errors).reduce((a, b) => a + b, 0);
    const peakMiB = maxOf(samples.map((s) => s.mib));
    const criteria = [
      {
        name: 'server survives and answers',
        target: 'alive, GET /healthz/live 200 after the idle',
        measured: alive
          ? `alive; /healthz/live ${answers ? '200' : 'no answer'}`
          : `gone: exit code ${server.child.exitCode ?? '–'}, signal ${server.child.signalCode ?? '–'}`,
        pass: alive && answers,
      },
      {
        name: 'every request answered 204',
        target: thousands(options.requests),
        measured: `${thousands(answered204)} of ${thousands(options.requests)}; socket errors ${thousands(socketErrors)}`,
        pass: answered204 === options.requests && socketErrors === 0,
      },
      {
        name: 'peak RSS',
        target: `< ${options.rssLimitMiB} MiB`,
        measured: `${fixed(peakMiB, 0)} MiB (before ${fixed(beforeMiB, 0)}, after the idle ${fixed(afterIdleMiB, 0)})`,
        pass: peakMiB !== null && peakMiB < options.rssLimitMiB,
      },
    ];

    /** @type {AttackReport} */
    const result = {
      date,
      commit,
      machine: report.machine(),
      database: db.description,
      adapter: options.adapter,
      entry: options.entry,
      maxOldSpaceMiB: options.maxOldSpaceMiB,
      extraConfig: options.extraConfig,
      cacheTtlS: ttlS,
      requests: options.requests,
      bodyBytes: options.bodyBytes,
      connections: options.connections,
      idleS,
      rssLimitMiB: options.rssLimitMiB,
      readyMs,
      quietWait,
      load,
      rss: {
        atReadyMiB: rssAtReadyMiB,
        beforeMiB,
        quarters,
        peakMiB,
        endOfAttackMiB,
        afterIdleMiB,
        samples,
      },
      heap: { before: heapBefore, after: heapAfter },
      cpu: cpuShares,
      server: {
        alive,
        answers,
        code,
        signal: server.child.signalCode,
        errorLines: errorLines.slice(0, 50),
        logFile,
      },
      criteria,
      pass: criteria.every((c) => c.pass),
    };
    const markdown = markdownAttack(result);
    process.stdout.write(`\n${markdown}`);
    const jsonFile = report.writeJson(RESULTS_DIR, result, `-${MEMORY_ATTACK}`);
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

module.exports = { runMemoryAttack, attackBody, markdownAttack };
