'use strict';
/* Machine facts, the markdown table, the JSON file and the RESULTS.md record. */
const { spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync, appendFileSync, mkdirSync, existsSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');

/**
 * @typedef {object} Machine
 * @property {string} cpu
 * @property {number} cores
 * @property {string} node
 * @property {string} os
 * @property {number} memoryGiB
 */

/** @returns {Machine} */
function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpu = match[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/**
 * The commit being measured; `+dirty` when the working tree has uncommitted changes
 * (read-only git commands).
 * @param {string} root
 * @returns {string}
 */
function commit(root) {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  const dirty = status.status === 0 && status.stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/**
 * @typedef {import('./load').LoadResult & {
 *   rssIdleMiB: number | null,
 *   rssPeakMiB: number | null,
 *   cpu: import('./cpu').CpuShares,
 *   loadAverage: number,
 *   quietWait: { waitedS: number, busyCores: number } | null,
 * }} Measured
 */

/**
 * @typedef {object} ScenarioResult
 * @property {string} name
 * @property {string} description
 * @property {{ path: string, status: number, bytes: number, contentType: string | null }[]} references
 * @property {boolean} asExpected      every reference answer had the expected status
 * @property {string | null} note
 * @property {Measured} ours
 * @property {Measured | null} bare
 * @property {number | null} ratio     ours.rps / bare.rps
 * @property {Measured | null} [ceiling]  the framework ceiling (bench/framework-server.js);
 *   null when not measured (--no-ceiling, Express), absent in runs from before it existed
 * @property {number | null} [ceilingRatio]  ours.rps / ceiling.rps
 */

const fixed = (/** @type {number} */ value, /** @type {number} */ digits) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
const thousands = (/** @type {number} */ value) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
const mib = (/** @type {number | null} */ value) => (value === null ? '?' : value.toFixed(0));

/**
 * @param {Measured} m
 * @returns {string}
 */
function errorText(m) {
  const parts = [];
  if (m.statusErrors) parts.push(`${thousands(m.statusErrors)} status`);
  if (m.socketErrors) parts.push(`${thousands(m.socketErrors)} socket`);
  if (m.timeouts) parts.push(`${thousands(m.timeouts)} timeout`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

/**
 * @param {import('./cpu').CpuShares | undefined} cpu
 * @returns {string}
 */
function cpuText(cpu) {
  if (!cpu) return '?';
  return [cpu.server, cpu.harness, cpu.database, cpu.other].map((c) => c.toFixed(2)).join(' / ');
}

/**
 * Server CPU time per answered request, in µs: robust against other work on the machine.
 * @param {Measured} m
 * @returns {string}
 */
function cpuPerRequest(m) {
  if (!m.cpu || m.rps <= 0) return '?';
  return thousands((m.cpu.server * 1e6) / m.rps);
}

/**
 * @param {number | null | undefined} ratio
 * @param {boolean} asExpected
 * @returns {string}
 */
function percent(ratio, asExpected) {
  if (ratio === null || ratio === undefined) return '–';
  return `${(ratio * 100).toFixed(0)} %${asExpected ? '' : ' ⚠'}`;
}

/**
 * @param {readonly ScenarioResult[]} scenarios
 * @returns {string}
 */
function markdownTable(scenarios) {
  const rows = [
    '| scenario | req/s | p50 ms | p99 ms | max ms | errors | RSS idle / peak MiB | bare req/s | bare p99 ms | ours / bare req/s | Nest ceiling req/s | ours / ceiling | server CPU µs/req ours / ceiling / bare | CPU cores during ours: server / load gen / db / other |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of scenarios) {
    const o = s.ours;
    const ceiling = s.ceiling ?? null;
    const references = `${s.bare ? thousands(s.bare.rps) : '–'} | ${s.bare ? fixed(s.bare.p99Ms, 2) : '–'} | `;
    const ceilingRps = `${ceiling ? thousands(ceiling.rps) : '–'} | `;
    const cpu = `${ceiling ? cpuPerRequest(ceiling) : '–'} / ${s.bare ? cpuPerRequest(s.bare) : '–'}`;
    if (o.requests === 0) {
      rows.push(
        `| ${s.name} | 0 | – | – | – | no answer before the load generator's timeout | ` +
          `${mib(o.rssIdleMiB)} / ${mib(o.rssPeakMiB)} | ${references}0 % | ${ceilingRps}` +
          `${ceiling ? '0 %' : '–'} | – / ${cpu} | ${cpuText(o.cpu)} |`,
      );
      continue;
    }
    rows.push(
      `| ${s.name} | ${thousands(o.rps)} | ${fixed(o.p50Ms, 2)} | ${fixed(o.p99Ms, 2)} | ` +
        `${fixed(o.maxMs, 1)} | ${errorText(o)} | ${mib(o.rssIdleMiB)} / ${mib(o.rssPeakMiB)} | ` +
        `${references}${percent(s.ratio, s.asExpected)} | ${ceilingRps}` +
        `${percent(s.ceilingRatio, s.asExpected)} | ${cpuPerRequest(o)} / ${cpu} | ${cpuText(o.cpu)} |`,
    );
  }
  return rows.join('\n');
}

/**
 * @typedef {object} RunReport
 * @property {string} date
 * @property {string} commit
 * @property {Machine} machine
 * @property {string} tool
 * @property {string} database
 * @property {string} adapter
 * @property {string | null} [ceilingSkipped]  why the run has no framework ceiling
 * @property {number} connections
 * @property {number} durationS
 * @property {number} warmupS
 * @property {number} readyMs
 * @property {number | null} rssAtReadyMiB
 * @property {import('./seed-domains').SeedResult | null} seeding
 * @property {import('./seed-domains').ExplainedLookup[] | null} explained  PostgreSQL with --domains
 * @property {string[]} extraConfig
 * @property {ScenarioResult[]} scenarios
 */

/**
 * The whole report as markdown: header lines, the table, notes.
 * @param {RunReport} r
 * @param {{ legend?: boolean }} [options] legend: explain the columns (bench/RESULTS.md
 *   does that once at the top)
 * @returns {string}
 */
function markdownReport(r, options = {}) {
  const m = r.machine;
  const lines = [
    `### ${r.date} · commit ${r.commit} · ${r.database} · ${r.adapter}`,
    '',
    `**The load generator (${r.tool === 'wrk' ? `wrk -t1 -c${r.connections}` : `autocannon -c${r.connections}`}) and the server share this ${m.cores}-core machine** ` +
      `(${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}), Node ${m.node}. ` +
      `NODE_ENV=production, loglevel WARNING, ${r.durationS} s per measurement after a ${r.warmupS} s warm-up, loopback.` +
      (r.extraConfig.length > 0 ? ` Extra config: ${r.extraConfig.join(', ')}.` : '') +
      (r.extraConfig.some((pair) => /^workers\s*=\s*([2-9]|\d{2,})/.test(pair))
        ? ' RSS and server CPU are summed over the primary and its workers.'
        : ''),
    '',
    `Ready in ${r.readyMs.toFixed(0)} ms (spawn of \`node dist/main.js\` → first 200 on GET /); RSS at ready ${mib(r.rssAtReadyMiB)} MiB.` +
      (r.ceilingSkipped ? ` Nest ceiling ${r.ceilingSkipped}.` : ''),
  ];
  if (r.seeding) {
    const s = r.seeding;
    lines.push(
      '',
      `Seeded ${thousands(s.domains)} domain${s.domains === 1 ? '' : 's'} (${thousands(s.providers)} provider${s.providers === 1 ? '' : 's'}, ` +
        `${thousands(s.links)} server links; ${s.method}) in ${(s.totalMs / 1000).toFixed(2)} s ` +
        `(inserts + commit ${(s.insertMs / 1000).toFixed(2)} s, ANALYZE ${(s.analyzeMs / 1000).toFixed(2)} s): ` +
        `**${thousands(s.domainsPerSecond)} domains/s**.`,
    );
  }
  if (r.explained) {
    const seq = r.explained.flatMap((e) => e.seqScansOfBigTables);
    const total = r.explained.reduce((sum, e) => sum + e.executionMs, 0);
    lines.push(
      '',
      `EXPLAIN ANALYZE of the four per-request lookups for one bench domain: ` +
        (seq.length === 0
          ? 'no sequential scan of a table that grows with the domains'
          : `**sequential scans of ${[...new Set(seq)].join(', ')}**`) +
        `, ${total.toFixed(3)} ms execution in total (` +
        r.explained.map((e) => `${e.name}: ${e.scans.join(' + ')}`).join('; ') +
        ').',
    );
  }
  const others = r.scenarios
    .flatMap((s) => [s.ours, s.bare, s.ceiling])
    .filter((m) => m?.cpu)
    .map((m) => /** @type {Measured} */ (m).cpu.other);
  if (others.length > 0 && Math.max(...others) > 0.2) {
    lines.push(
      '',
      `⚠ Other work on the machine used ${Math.min(...others).toFixed(2)}–${Math.max(...others).toFixed(2)} ` +
        'cores on average during the measurements: absolute req/s and latencies understate what ' +
        'an idle machine does, and ratios move with the load of the moment; the server CPU µs per ' +
        'request is the most robust number.',
    );
  }
  lines.push('', markdownTable(r.scenarios), '');
  for (const s of r.scenarios) {
    lines.push(`- ${s.name}: ${s.description}${s.note ? ` — **${s.note}**` : ''}`);
  }
  if (options.legend !== false) {
    lines.push(
      '',
      'errors = responses with status ≥ 400 (wrk) / non-2xx (autocannon), plus socket errors and timeouts. ' +
        '"bare" = a plain Node `http` server answering the same bytes, measured the same way in the same run ' +
        '(⚠ = the real server did not give the expected status, see the notes). "Nest ceiling" = a minimal ' +
        'NestJS application on `@nestjs/platform-fastify` built like ours (same router options, same raw-body ' +
        'parser) whose controller replays the same bytes, measured after ours and bare (with --adapter fastify ' +
        'only): the most NestJS + Fastify can do on this machine, so the gap between ceiling and ours is the ' +
        'cost of our own code. Server CPU µs/req = ' +
        'CPU time of the server process divided by the requests it answered (less sensitive to other ' +
        'work on the machine than req/s). CPU cores = average ' +
        'cores used during our measurement by the server, the load generator, database server processes ' +
        'and everything else on the machine ("other" > 0.1 means concurrent work disturbed the run).',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * @param {string} dir bench/results
 * @param {{ date: string }} report  a RunReport, or the soak's report
 * @param {string} [suffix] added to the file name (`-soak`)
 * @returns {string} the file written
 */
function writeJson(dir, report, suffix = '') {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.replace(/[:.]/g, '-')}${suffix}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * Appends a run to bench/RESULTS.md and keeps the file as Prettier writes it (`npm run
 * lint` checks it).
 * @param {string} file bench/RESULTS.md
 * @param {string} markdown
 * @returns {Promise<void>}
 */
async function appendResults(file, markdown) {
  const header = existsSync(file)
    ? ''
    : '# Benchmark results\n\nEach run of `npm run bench -- --append-results` adds a section below.\n';
  appendFileSync(file, `${header}\n${markdown}`);
  try {
    const prettier = require('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, await prettier.format(text, { ...config, filepath: file }));
  } catch {
    // Prettier missing (production install): the section is appended unformatted.
  }
}

module.exports = { machine, commit, markdownTable, markdownReport, writeJson, appendResults };
