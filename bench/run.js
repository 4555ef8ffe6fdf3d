#!/usr/bin/env node
'use strict';
/*
 * `npm run bench`: measures the real server (dist/main.js, production mode) against a bare
 * Node `http` server answering the same bytes and, on Fastify, against the framework
 * ceiling (a minimal Nest + Fastify application answering them), scenario by scenario,
 * in one run.
 * How to run and how to read the output: bench/RESULTS.md and `node bench/run.js --help`.
 */
const { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } = require('node:fs');
const { tmpdir, loadavg } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { UsageError, adapterOption, dbOption, integerOption, setOptions } = require('./options');
const { cleanupStack } = require('./cleanups');
const { cpuWindow, waitForQuiet } = require('./cpu');
const { createBenchDatabase } = require('./databases');
const { httpRequest, freePort } = require('./http-client');
const { findWrk, runWrk, runAutocannon, stopLoad } = require('./load');
const { summarise } = require('./profile-summary');
const report = require('./report');
const { scenario, SCENARIO_NAMES, SPREAD, SOAK, MEMORY_ATTACK, ADMIN } = require('./scenarios');
const { seedDomains, explainLookups, benchDomainName } = require('./seed-domains');
const { spawnNode, waitUntilReady, rssMiB, sampleRss, processTree } = require('./server-process');
const { startAutomx2, seedExample, ENTRY } = require('./automx2-server');
const { runSoak } = require('./soak');
const { runMemoryAttack } = require('./memory-attack');
const { runAdmin } = require('./admin');

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const QUIET_CORES = 0.3;
const HOP_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);

const USAGE = `usage: npm run bench -- [options]
  --scenario NAME[,NAME]   ${SCENARIO_NAMES.join(', ')}, ${SPREAD} (needs --domains); default all
                           (${SPREAD} is added after autoconfig when --domains is given)
  soak | --scenario soak   the 10-minute soak test, a run of its own: \`npm run bench -- soak --help\`
  ${MEMORY_ATTACK}            issue 14's memory attack (N ~60 KB Autodiscover POSTs for unknown domains,
                           then idle; RSS before/during/after), a run of its own:
                           \`npm run bench -- ${MEMORY_ATTACK} --requests 4000 --help\`
  ${ADMIN}                    the admin API over N seeded domains (GET and PUT rates, list, search
                           and shared-server latencies), a run of its own:
                           \`npm run bench -- ${ADMIN} --domains 100000 --help\`
  --db sqlite|postgres|mysql        default sqlite (a file in a temp dir); others: a throwaway database
  --adapter fastify|express         default fastify
  --no-ceiling                      do not measure the framework ceiling (bench/framework-server.js,
                                    a minimal Nest + Fastify app replaying the same answers; it is
                                    measured with --adapter fastify only)
  --domains N                       bulk-seed N domains, then measure lookups spread over them
  --domains-per-provider K          default 1 (autoconfig lists every domain of the provider)
  --seed-method batch|series        series (generate_series) is PostgreSQL only; default series there
  --batch-size ROWS                 rows per INSERT for the batch method, default 5000
  --duration S  --warmup S          default 10 and 2 seconds per measurement
  --connections C                   default 64
  --tool wrk|autocannon             default wrk when installed
  --set key=value                   extra [automx2] keys for the server (repeatable)
  --wait-quiet S                    before each measurement, wait up to S s for the machine to be
                                    idle (< 0.3 busy cores); default 0 (do not wait)
  --cpu-prof                        profile the server (V8 --cpu-prof) and print its top frames
  --append-results                  append the report to bench/RESULTS.md`;

/**
 * @param {string[]} argv
 */
function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      db: { type: 'string', default: 'sqlite' },
      adapter: { type: 'string', default: 'fastify' },
      'no-ceiling': { type: 'boolean', default: false },
      domains: { type: 'string' },
      'domains-per-provider': { type: 'string', default: '1' },
      'seed-method': { type: 'string' },
      'batch-size': { type: 'string', default: '5000' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '64' },
      tool: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      'wait-quiet': { type: 'string', default: '0' },
      'cpu-prof': { type: 'boolean', default: false },
      'append-results': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const db = dbOption(values.db, 'sqlite');
  const adapter = adapterOption(values.adapter);
  const domains = values.domains === undefined ? null : integerOption('domains', values.domains);
  const requested = (values.scenario ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const seedMethod = values['seed-method'] ?? (db === 'postgres' ? 'series' : 'batch');
  if (seedMethod !== 'batch' && seedMethod !== 'series')
    throw new UsageError('--seed-method: batch or series');
  if (seedMethod === 'series' && db !== 'postgres')
    throw new UsageError('--seed-method series needs --db postgres');
  const tool = values.tool ?? (findWrk() ? 'wrk' : 'autocannon');
  if (!['wrk', 'autocannon'].includes(tool)) throw new UsageError('--tool: wrk or autocannon');
  const extraConfig = setOptions(values.set);
  return {
    help: values.help ?? false,
    requested,
    db,
    adapter,
    ceiling: !(values['no-ceiling'] ?? false),
    domains,
    perProvider: integerOption('domains-per-provider', values['domains-per-provider']),
    seedMethod: /** @type {'batch' | 'series'} */ (seedMethod),
    batchSize: integerOption('batch-size', values['batch-size']),
    durationS: integerOption('duration', values.duration),
    warmupS: integerOption('warmup', values.warmup, 0),
    connections: integerOption('connections', values.connections),
    tool,
    extraConfig,
    waitQuietS: integerOption('wait-quiet', values['wait-quiet'], 0),
    cpuProf: values['cpu-prof'] ?? false,
    appendResults: values['append-results'] ?? false,
  };
}

/**
 * The scenarios to run, in order.
 * @param {string[]} requested
 * @param {number | null} domains
 * @returns {string[]}
 */
function scenarioList(requested, domains) {
  const names = requested.length > 0 ? requested : [...SCENARIO_NAMES];
  for (const name of names) {
    if (!SCENARIO_NAMES.includes(name) && name !== SPREAD)
      throw new UsageError(`unknown scenario "${name}"`);
  }
  if (names.includes(SPREAD) && domains === null)
    throw new UsageError(`${SPREAD} needs --domains N`);
  if (domains !== null && !names.includes(SPREAD)) {
    const at = names.indexOf('autoconfig');
    if (at >= 0) names.splice(at + 1, 0, SPREAD);
    else if (requested.length === 0) names.push(SPREAD);
  }
  return [...new Set(names)];
}

/**
 * @param {import('./http-client').CapturedResponse} answer
 * @returns {Record<string, string | string[]>}
 */
function replayHeaders(answer) {
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
  }
  return headers;
}

/**
 * @param {import('./load').LoadResult & { raw: string }} result
 * @returns {import('./load').LoadResult}
 */
function withoutRaw(result) {
  /** @type {Partial<typeof result>} */
  const copy = { ...result };
  delete copy.raw;
  return /** @type {import('./load').LoadResult} */ (copy);
}

/**
 * Checks that a reference server gives the captured status, headers (those it replays)
 * and body for every captured request.
 * @param {string} name
 * @param {import('./server-process').ChildServer} target
 * @param {{ request: import('./scenarios').ScenarioRequest, answer: import('./http-client').CapturedResponse }[]} captured
 * @returns {Promise<void>}
 */
async function checkReplay(name, target, captured) {
  const head = (/** @type {import('./http-client').CapturedResponse} */ r) =>
    `${r.status} ${JSON.stringify(Object.entries(replayHeaders(r)).sort())}`;
  for (const { request, answer } of captured) {
    const replayed = await httpRequest(target.url, request);
    if (head(replayed) !== head(answer) || !replayed.body.equals(answer.body)) {
      throw new Error(
        `${name} answers ${request.method} ${request.path} with ${head(replayed)} and ` +
          `${replayed.body.length} bytes; captured: ${head(answer)} and ${answer.body.length} bytes`,
      );
    }
  }
}

/** Set on Ctrl-C: the errors of the runs being torn down are expected then. */
let stopping = false;

const log = (/** @type {string} */ text) => process.stderr.write(`${text}\n`);

async function main() {
  let options;
  try {
    const argv = process.argv.slice(2);
    const named = argv.flatMap((a, i) =>
      a === '--scenario' ? [argv[i + 1] ?? ''] : a.startsWith('--scenario=') ? [a.slice(11)] : [],
    );
    const selects = (/** @type {string} */ name) =>
      argv.includes(name) || named.flatMap((s) => s.split(',')).some((s) => s.trim() === name);
    // `npm run bench -- soak` or `--scenario soak`: a run of its own (bench/soak.js).
    if (selects(SOAK)) {
      await runSoak(argv);
      return;
    }
    // `npm run bench -- memory-attack`: a run of its own (bench/memory-attack.js).
    if (selects(MEMORY_ATTACK)) {
      await runMemoryAttack(argv);
      return;
    }
    // `npm run bench -- admin`: a run of its own (bench/admin.js).
    if (selects(ADMIN)) {
      await runAdmin(argv);
      return;
    }
    options = parseOptions(argv);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    options = { ...options, names: scenarioList(options.requested, options.domains) };
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${USAGE}\n\n${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (!existsSync(ENTRY))
    throw new Error('dist/main.js is missing: run `npm run bench` (it builds first)');
  const wrk = options.tool === 'wrk' ? findWrk() : null;
  if (options.tool === 'wrk' && !wrk)
    throw new Error('wrk is not installed (apt-get install wrk), or use --tool autocannon');

  const cleanups = cleanupStack(log);
  const interrupted = () => {
    stopping = true;
    log('interrupted: stopping servers, dropping the database');
    stopLoad();
    void cleanups.run().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    const date = new Date().toISOString();
    // Before the spawn: others may commit (and rebuild dist/) while a run is going.
    const commit = report.commit(ROOT);
    const temp = mkdtempSync(join(tmpdir(), 'automx2-bench-'));
    cleanups.add(() => Promise.resolve(rmSync(temp, { recursive: true, force: true })));
    const db = await createBenchDatabase(options.db, temp);
    cleanups.add(() => db.drop());
    log(`database: ${db.description}`);

    // The real server.
    const profileDir = join(RESULTS_DIR, `profile-${date.replace(/[:.]/g, '-')}`);
    const nodeFlags = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    if (options.waitQuietS > 0) await waitForQuiet(options.waitQuietS, QUIET_CORES);
    const {
      server,
      spawnedAt,
      readyMs,
      rssAtReadyMiB: rssAtReady,
    } = await startAutomx2({
      temp,
      dbUri: db.dbUri,
      adapter: options.adapter,
      extraConfig: options.extraConfig,
      nodeFlags,
    });
    cleanups.add(() => server.stop());
    log(
      `server ready in ${readyMs.toFixed(0)} ms (pid ${server.pid}, RSS ${rssAtReady?.toFixed(0)} MiB)`,
    );

    await seedExample(server);
    log('seeded test/fixtures/seed-example.json through POST /initdb/');

    /** @type {import('./seed-domains').SeedResult | null} */
    let seeding = null;
    if (options.domains !== null) {
      log(
        `bulk-seeding ${options.domains.toLocaleString('en-US')} domains (${options.db === 'sqlite' ? 'prepared statements' : options.seedMethod}) ...`,
      );
      seeding = await seedDomains(db, {
        count: options.domains,
        perProvider: options.perProvider,
        method: options.seedMethod,
        batchSize: options.batchSize,
      });
      log(
        `seeded ${seeding.domains} domains in ${(seeding.totalMs / 1000).toFixed(2)} s: ${Math.round(seeding.domainsPerSecond)} domains/s`,
      );
    }
    /** @type {import('./seed-domains').ExplainedLookup[] | null} */
    let explained = null;
    if (options.domains !== null && options.db === 'postgres') {
      explained = await explainLookups(db, benchDomainName(Math.floor(options.domains / 2)));
      for (const e of explained)
        log(`EXPLAIN ${e.name}: ${e.scans.join(', ')} (${e.executionMs} ms)`);
    }

    // Reference answers: what the reference servers will replay, and whether routes exist.
    const scenarios = options.names.map((name) => scenario(name, options.domains));
    /** @type {import('./replay-routes').BareRoute[]} */
    const routes = [];
    /** @type {Parameters<typeof checkReplay>[2]} */
    const captured = [];
    /** @type {Map<string, { path: string, status: number, bytes: number, contentType: string | null, expected: number }>} */
    const references = new Map();
    /** @type {Map<string, string[]>} scenario name → its reference keys */
    const scenarioKeys = new Map();
    for (const s of scenarios) {
      const requests = s.entries
        ? s.entries.map((e) => ({ ...e.request, prefix: false }))
        : [
            {
              method: 'GET',
              path: `${s.spread?.before}${Math.floor((s.spread?.count ?? 1) / 2)}${s.spread?.after}`,
              headers: {},
              body: undefined,
              expectedStatus: 200,
              prefix: true,
            },
          ];
      scenarioKeys.set(
        s.name,
        requests.map((r) => `${r.method} ${r.path}`),
      );
      for (const request of requests) {
        const key = `${request.method} ${request.path}`;
        if (references.has(key)) continue;
        const answer = await httpRequest(server.url, request);
        captured.push({ request, answer });
        references.set(key, {
          path: `${request.method} ${request.path}`,
          status: answer.status,
          bytes: answer.body.length,
          contentType:
            typeof answer.headers['content-type'] === 'string'
              ? answer.headers['content-type']
              : null,
          expected: request.expectedStatus,
        });
        routes.push({
          method: request.method,
          path: request.prefix ? '/mail/config-v1.1.xml?' : request.path,
          prefix: request.prefix,
          status: answer.status,
          headers: /** @type {Record<string, string>} */ (replayHeaders(answer)),
          bodyBase64: answer.body.toString('base64'),
        });
      }
    }
    const routesFile = join(temp, 'replay-routes.json');
    writeFileSync(routesFile, JSON.stringify(routes));

    const barePort = await freePort();
    const bare = spawnNode([join(__dirname, 'bare-server.js'), routesFile, String(barePort)], {
      cwd: ROOT,
      url: `http://127.0.0.1:${barePort}`,
    });
    cleanups.add(() => bare.stop());
    await waitUntilReady(bare, performance.now(), { path: '/', anyStatus: true });
    await checkReplay('the bare server', bare, captured);

    // The framework ceiling: Nest + Fastify replaying the same answers.
    const ceilingSkipped = !options.ceiling
      ? 'not measured (--no-ceiling)'
      : options.adapter !== 'fastify'
        ? `not measured with --adapter ${options.adapter}: it is a Nest + Fastify application`
        : null;
    /** @type {import('./server-process').ChildServer | null} */
    let ceiling = null;
    if (ceilingSkipped === null) {
      const ceilingPort = await freePort();
      const started = spawnNode(
        [join(__dirname, 'framework-server.js'), routesFile, String(ceilingPort)],
        { cwd: ROOT, url: `http://127.0.0.1:${ceilingPort}` },
      );
      cleanups.add(() => started.stop());
      await waitUntilReady(started, performance.now(), { path: '/', anyStatus: true });
      await checkReplay('the Nest ceiling', started, captured);
      ceiling = started;
    } else {
      log(`Nest ceiling ${ceilingSkipped}`);
    }

    /**
     * @param {import('./server-process').ChildServer} target
     * @param {import('./scenarios').Scenario} s
     * @returns {Promise<import('./report').Measured>}
     */
    const measure = async (target, s) => {
      /** @type {import('./load').LoadPlan} */
      const plan = s.entries
        ? { kind: 'fixed', entries: s.entries }
        : {
            kind: 'spread',
            .../** @type {{ before: string, after: string, count: number }} */ (s.spread),
          };
      const run = (/** @type {number} */ durationS) =>
        wrk
          ? runWrk(wrk, target.url, plan, {
              connections: options.connections,
              durationS,
              scriptFile: join(temp, `${s.name}.lua`),
            })
          : runAutocannon(target.url, plan, { connections: options.connections, durationS });
      const quiet =
        options.waitQuietS > 0 ? await waitForQuiet(options.waitQuietS, QUIET_CORES) : null;
      const rssIdleMiB = rssMiB(target.pid);
      if (options.warmupS > 0) await run(options.warmupS);
      const sampler = sampleRss(target.pid);
      const cpu = cpuWindow(processTree(target.pid));
      const from = performance.now() - spawnedAt;
      const result = await run(options.durationS);
      if (target === server) profileWindows.push({ from, to: performance.now() - spawnedAt });
      const cpuShares = cpu.stop();
      const rssPeakMiB = sampler.stop();
      return {
        ...withoutRaw(result),
        rssIdleMiB,
        rssPeakMiB,
        cpu: cpuShares,
        loadAverage: loadavg()[0] ?? 0,
        quietWait: quiet,
      };
    };

    /** @type {{ from: number, to: number }[]} measured runs of ours, ms since spawn */
    const profileWindows = [];
    /** @type {import('./report').ScenarioResult[]} */
    const results = [];
    for (const s of scenarios) {
      const keys = scenarioKeys.get(s.name) ?? [];
      const refs = keys.map(
        (k) => /** @type {NonNullable<ReturnType<typeof references.get>>} */ (references.get(k)),
      );
      const wrong = refs.filter((r) => r.status !== r.expected);
      const note =
        wrong.length === 0
          ? null
          : wrong.map((r) => `${r.path} answered ${r.status} (expected ${r.expected})`).join('; ') +
            (wrong.some((r) => r.status === 404 || r.status === 405)
              ? ': route not implemented at this commit (the bare server replays the same error)'
              : '');
      log(`${s.name}: measuring ours ...`);
      const ours = await measure(server, s);
      log(`${s.name}: measuring bare ...`);
      const bareResult = await measure(bare, s);
      if (ceiling) log(`${s.name}: measuring the Nest ceiling ...`);
      const ceilingResult = ceiling ? await measure(ceiling, s) : null;
      results.push({
        name: s.name,
        description: s.description,
        references: refs.map((r) => ({
          path: r.path,
          status: r.status,
          bytes: r.bytes,
          contentType: r.contentType,
        })),
        asExpected: wrong.length === 0,
        note,
        ours,
        bare: bareResult,
        ratio: bareResult && bareResult.rps > 0 ? ours.rps / bareResult.rps : null,
        ceiling: ceilingResult,
        ceilingRatio: ceilingResult && ceilingResult.rps > 0 ? ours.rps / ceilingResult.rps : null,
      });
      log(
        `${s.name}: ${Math.round(ours.rps)} req/s, p99 ${ours.p99Ms.toFixed(2)} ms${bareResult ? `; bare ${Math.round(bareResult.rps)} req/s` : ''}` +
          (ceilingResult ? `; Nest ceiling ${Math.round(ceilingResult.rps)} req/s` : ''),
      );
    }

    await ceiling?.stop();
    await bare.stop();
    await server.stop();

    /** @type {import('./report').RunReport} */
    const run = {
      date,
      commit,
      machine: report.machine(),
      tool: wrk ? 'wrk' : 'autocannon',
      database: db.description,
      adapter: options.adapter,
      ceilingSkipped,
      connections: options.connections,
      durationS: options.durationS,
      warmupS: options.warmupS,
      readyMs,
      rssAtReadyMiB: rssAtReady,
      seeding,
      explained,
      extraConfig: options.extraConfig,
      scenarios: results,
    };
    const markdown = report.markdownReport(run);
    process.stdout.write(`\n${markdown}`);
    const jsonFile = report.writeJson(RESULTS_DIR, run);
    log(`\nJSON: ${jsonFile}`);
    if (options.appendResults) {
      await report.appendResults(
        join(__dirname, 'RESULTS.md'),
        report.markdownReport(run, { legend: false }),
      );
      log('appended to bench/RESULTS.md');
    }
    if (options.cpuProf && existsSync(profileDir)) {
      for (const name of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
        const file = join(profileDir, name);
        const summary =
          `## measured runs\n${summarise(file, { windowsMs: profileWindows })}\n` +
          `## start-up (spawn to ready)\n${summarise(file, { top: 15, windowsMs: [{ from: 0, to: readyMs }] })}`;
        writeFileSync(`${file}.txt`, summary);
        process.stdout.write(`\n${summary}`);
        log(`profile: ${file} (summary in ${file}.txt)`);
      }
    }
  } finally {
    await cleanups.run();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
}

main().catch((error) => {
  if (stopping) return;
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
