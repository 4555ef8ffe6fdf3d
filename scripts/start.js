#!/usr/bin/env node
/* `npm start`: build when dist/ is missing or older than the sources, then serve.
 * Arguments after `--` go to the server (`npm start -- --host 0.0.0.0 --port 8080`).
 * `--build-only` just brings dist/ up to date. */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    const time = name.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(entry) || !existsSync(join(root, 'dist', 'migrations'))) return true;
  const built = statSync(entry).mtimeMs;
  return ['src', 'migrations'].some((dir) => newestMtime(join(root, dir)) > built);
}

const args = process.argv.slice(2);
const buildOnly = args[0] === '--build-only';
if (needsBuild()) {
  process.stderr.write('building dist/ ...\n');
  const tsc = require.resolve('typescript/bin/tsc');
  for (const project of ['tsconfig.build.json', join('migrations', 'tsconfig.json')]) {
    const result = spawnSync(process.execPath, [tsc, '-p', project], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
if (!buildOnly) {
  // Run the server in this process: signals reach it directly.
  process.argv = [process.argv[0], entry, ...args];
  require(entry);
}
