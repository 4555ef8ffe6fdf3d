#!/usr/bin/env node
/* `npm run release`: a tarball that runs with Node alone (`node dist/main.js`), without
 * TypeScript or any development dependency:
 *   release/automx2-nest-<version>-node<major>-<platform>-<arch>.tar.gz
 * holding one directory automx2-nest-<version>/ with dist/, bin/, production
 * node_modules, package.json, package-lock.json, contrib/, docs/, README.md (and a
 * licence file, should the repository get one). better-sqlite3 is a native module: the
 * tarball fits the Node major, platform and architecture in its name.
 *
 * Steps: bring dist/ up to date (scripts/start.js --build-only) and copy it without
 * leftovers of deleted sources; `npm ci --omit=dev --ignore-scripts --prefer-offline` in a
 * staging directory (from the lock file, tarballs from npm's cache); native modules from
 * scripts/release-native.js; then GNU tar, owner root and modes normalised.
 * `--out-dir DIR` writes the tarball to DIR instead of release/ (the tests use it). */
'use strict';
const { spawnSync } = require('node:child_process');
const {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve } = require('node:path');
const { provideNativeModules } = require('./release-native');

const root = join(__dirname, '..');
const pkg = require(join(root, 'package.json'));
/** Copied as they are (the licence only if there is one). */
const FILES = ['package.json', 'package-lock.json', 'README.md', 'bin', 'contrib', 'docs'];
const LICENCE_FILES = ['LICENSE', 'LICENSE.md', 'LICENCE', 'COPYING'];

function log(message) {
  process.stderr.write(`release: ${message}\n`);
}

/** Runs a command; throws with its name when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why})`);
  }
}

function parseArgs(argv) {
  let outDir = join(root, 'release');
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--out-dir' && argv[i + 1] !== undefined) outDir = resolve(argv[++i]);
    else throw new Error(`usage: node scripts/release.js [--out-dir DIR] (not ${argv[i]})`);
  }
  return { outDir };
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The TypeScript file a compiled dist/ file came from (dist/migrations/ from migrations/);
 *  null for other files (dist/build-info.json, the web console's files). */
function sourceOf(distFile) {
  const path = relative(join(root, 'dist'), distFile);
  // The web console's bundle (scripts/build-console.js) has no source of the same name.
  if (!/\.js(\.map)?$/.test(path) || path.startsWith(join('console', 'assets'))) return null;
  const source = path.replace(/\.js(\.map)?$/, '.ts');
  return source.startsWith('migrations/') ? join(root, source) : join(root, 'src', source);
}

/** dist/ without compiled files whose source is gone (tsc never deletes what it wrote). */
function copyDist(target) {
  let stale = 0;
  for (const file of filesUnder(join(root, 'dist'))) {
    const source = sourceOf(file);
    if (source !== null && !existsSync(source)) {
      stale += 1;
      continue;
    }
    const to = join(target, 'dist', relative(join(root, 'dist'), file));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(file, to);
  }
  if (stale > 0) log(`left out ${stale} file(s) in dist/ without a source`);
}

function stage(dir) {
  run(process.execPath, [join(__dirname, 'start.js'), '--build-only'], { cwd: root });
  mkdirSync(dir);
  const licences = LICENCE_FILES.filter((name) => existsSync(join(root, name)));
  if (licences.length === 0)
    log(`no licence file in the repository (package.json: ${pkg.license})`);
  for (const name of [...FILES, ...licences]) {
    cpSync(join(root, name), join(dir, name), { recursive: true });
  }
  copyDist(dir);
  log('npm ci --omit=dev (install scripts off; native modules next)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(
    npm,
    ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    {
      cwd: dir,
    },
  );
  provideNativeModules({ root, dir, npm, log });
}

/** GNU tar: sorted, owned by root, readable by everyone (a DynamicUser= service too). */
function pack(stagingDir, name, tarball) {
  const partial = `${tarball}.${process.pid}.partial`;
  try {
    run('tar', [
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mode=u+rwX,go=rX',
      '-czf',
      partial,
      '-C',
      stagingDir,
      name,
    ]);
    renameSync(partial, tarball);
  } finally {
    rmSync(partial, { force: true });
  }
}

function main() {
  const { outDir } = parseArgs(process.argv.slice(2));
  const name = `${pkg.name}-${pkg.version}`;
  const node = `node${process.versions.node.split('.')[0]}`;
  const tarball = join(outDir, `${name}-${node}-${process.platform}-${process.arch}.tar.gz`);
  const staging = mkdtempSync(join(tmpdir(), 'automx2-release-'));
  try {
    stage(join(staging, name));
    mkdirSync(outDir, { recursive: true });
    pack(staging, name, tarball);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const megabytes = (statSync(tarball).size / 1e6).toFixed(1);
  log(`${relative(process.cwd(), tarball) || tarball} (${megabytes} MB)`);
  process.stdout.write(`${tarball}\n`);
}

try {
  main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
