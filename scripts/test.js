#!/usr/bin/env node
/* `npm test`: every Jest project (unit, e2e with real databases, LDAP, HTTP, and the
 * Thunderbird conformance suite, which skips without scripts/fetch-thunderbird.sh's cache)
 * on the default HTTP adapter (Fastify), then the e2e project again on Express, then one plain
 * closing line `N passed, N failed` (from Jest's JSON reports) so that a run that
 * executed no test can never look green. Extra arguments go to Jest and skip the
 * Express pass (`npm test -- src/config` runs just that). */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { setInterval, clearInterval } = require('node:timers');
const { mkdirSync, readFileSync, existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outDir = join(root, '.test-output');
mkdirSync(outDir, { recursive: true });

// Suites that start the compiled server (start-up, signals, CLI) need dist/ current.
const build = spawnSync(process.execPath, [join(__dirname, 'start.js'), '--build-only'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(1);
}

const jest = require.resolve('jest/bin/jest');
const extra = process.argv.slice(2);

/** How long Jest may take to exit once it has written its report (open handles keep it alive). */
const EXIT_GRACE_MS = 60_000;

/**
 * Runs Jest once; returns its counts (a missing report counts as a failure). Jest runs
 * the tests in its own process on two cores, so a handle a test leaves open keeps it
 * from exiting after the run: once the report is written it gets EXIT_GRACE_MS, then
 * it is killed and that counts as a failure, instead of the run hanging until CI stops it.
 */
async function runJest(name, args, env) {
  const report = join(outDir, `jest-${name}.json`);
  rmSync(report, { force: true });
  process.stdout.write(`\n=== ${name} ===\n`);
  const child = spawn(process.execPath, [jest, '--json', `--outputFile=${report}`, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  let reportSeenAt = null;
  let hung = false;
  const watch = setInterval(() => {
    if (reportSeenAt === null) {
      if (existsSync(report)) reportSeenAt = Date.now();
    } else if (Date.now() - reportSeenAt > EXIT_GRACE_MS) {
      hung = true;
      child.kill('SIGKILL');
    }
  }, 1000);
  const status = await new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code));
  });
  clearInterval(watch);
  if (hung) {
    process.stdout.write(
      `\nJest (${name}) did not exit within ${EXIT_GRACE_MS / 1000} s of writing its report ` +
        '(a test left a handle open): killed, counted as one failure\n',
    );
  }
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0, ok: false };
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites + (hung ? 1 : 0);
  return {
    passed: summary.numPassedTests,
    failed,
    skipped: summary.numPendingTests + summary.numTodoTests,
    ok: status === 0 && failed === 0,
  };
}

async function main() {
  const runs = [await runJest('fastify', extra, {})];
  if (extra.length === 0) {
    runs.push(
      await runJest('express', ['--selectProjects', 'e2e'], { TEST_HTTP_ADAPTER: 'express' }),
    );
  }
  return runs;
}

main().then((runs) => {
  const total = runs.reduce(
    (sum, run) => ({
      passed: sum.passed + run.passed,
      failed: sum.failed + run.failed,
      skipped: sum.skipped + run.skipped,
      ok: sum.ok && run.ok,
    }),
    { passed: 0, failed: 0, skipped: 0, ok: true },
  );
  const code = total.ok && total.failed === 0 && total.passed > 0 ? 0 : 1;
  process.stdout.write(
    `\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`,
  );
  process.exit(code);
});
