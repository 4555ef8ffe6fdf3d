#!/usr/bin/env node
'use strict';
// Builds dist/ on first use in a checkout, then runs the CLI (see src/cli.ts).
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli) && existsSync(join(root, 'src'))) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'start.js'), '--build-only'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
require(cli).main();
