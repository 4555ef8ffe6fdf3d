#!/usr/bin/env node
/* Writes dist/build-info.json: the commit the build was made from, which the server
 * logs at start-up, prints with --version and exports as automx2_build_info (the
 * version comes from package.json at run time). Run by scripts/start.js after it
 * compiles (npm start, npm test, --build-only, npm run release); the server itself
 * never calls git.
 *
 * The commit is `git rev-parse --short HEAD`, with `-dirty` when tracked files differ
 * from it; AUTOMX2_COMMIT overrides it (a build without .git, such as the image's);
 * "unknown" when neither is available. */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** @returns {string} */
function currentCommit() {
  const override = process.env.AUTOMX2_COMMIT;
  if (override && override.trim()) return override.trim();
  const git = (/** @type {string[]} */ args) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git(['rev-parse', '--short', 'HEAD']).trim();
    if (!/^[0-9a-f]{4,40}$/.test(commit)) return 'unknown';
    try {
      git(['diff', '--quiet', 'HEAD', '--']);
      return commit;
    } catch {
      return `${commit}-dirty`;
    }
  } catch {
    // No git, or not a checkout (a release tarball, a container build).
    return 'unknown';
  }
}

/** Writes dist/build-info.json; returns what it wrote. */
function writeBuildInfo() {
  const info = { commit: currentCommit() };
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

module.exports = { writeBuildInfo };

if (require.main === module) writeBuildInfo();
