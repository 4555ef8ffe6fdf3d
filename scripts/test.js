#!/usr/bin/env node
/* `npm test`: every Jest project (unit, e2e with real databases, LDAP, HTTP), then one
 * plain closing line `N passed, N failed` (from Jest's JSON report) so that a run that
 * executed no test can never look green. Extra arguments go to Jest. */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outDir = join(root, '.test-output');
mkdirSync(outDir, { recursive: true });
const report = join(outDir, 'jest.json');
rmSync(report, { force: true });

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
const result = spawnSync(
  process.execPath,
  [jest, '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: process.env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  skipped = summary.numPendingTests + summary.numTodoTests;
} else {
  failed = 1;
}
const code = result.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(code);
