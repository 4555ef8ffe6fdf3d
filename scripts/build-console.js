#!/usr/bin/env node
/* Builds the web console (src/console/web) into dist/console, or into the directory
 * given with `--out DIR`: index.html, assets/app.js (Preact, bundled and minified by
 * esbuild) and assets/app.css. The server serves that directory at /admin/.
 * Exits non-zero with esbuild's messages when the build fails. */
'use strict';
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'src', 'console', 'web');

/**
 * @param {string[]} args
 * @returns {string} the output directory
 */
function outDir(args) {
  const at = args.indexOf('--out');
  if (at < 0) return join(root, 'dist', 'console');
  const dir = args[at + 1];
  if (dir === undefined || dir === '' || dir.startsWith('--')) {
    throw new Error('--out needs a directory');
  }
  return resolve(dir);
}

/**
 * Writes the console into `out`.
 * @param {string} out
 */
async function buildConsole(out) {
  const esbuild = require('esbuild');
  const assets = join(out, 'assets');
  rmSync(assets, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [
      { in: join(source, 'main.tsx'), out: 'app' },
      { in: join(source, 'styles.css'), out: 'app' },
    ],
    outdir: assets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(source, 'tsconfig.json'),
    logLevel: 'error',
  });
  copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
}

if (require.main === module) {
  let out;
  try {
    out = outDir(process.argv.slice(2));
  } catch (error) {
    console.error(`build-console: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  buildConsole(out).catch((error) => {
    // esbuild has printed its messages (logLevel 'error'); anything else is said here.
    if (!(error && Array.isArray(error.errors))) console.error(error);
    process.exit(1);
  });
}

module.exports = { buildConsole };
