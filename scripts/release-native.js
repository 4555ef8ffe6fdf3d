/* Native modules for scripts/release.js. The staging directory's `npm ci` ran with
 * --ignore-scripts, so nothing has been built there yet.
 *
 * better-sqlite3 (today the only production dependency with an install script) takes the
 * binary the development install already compiled, when it is the same version and loads
 * in this Node (so the ABI matches): compiling SQLite again costs about 2 minutes on two
 * cores. Otherwise, and for any other package with an install script, `npm rebuild
 * <path>` runs the package's own install script, npm's standard mechanism (for
 * better-sqlite3: prebuild-install, else node-gyp).
 *
 * Then better-sqlite3 keeps only what it loads at run time: lib/ and
 * build/Release/better_sqlite3.node (its C sources and compiler output are ~27 MB). */
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { dirname, join } = require('node:path');

const SQLITE = 'node_modules/better-sqlite3';
const BINARY = join('build', 'Release', 'better_sqlite3.node');
const PROBE =
  "const D = require('better-sqlite3'); new D(':memory:').prepare('select sqlite_version()').get()";

/** Lock-file paths (node_modules/…) of installed packages that have an install script. */
function withInstallScripts(dir) {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript && existsSync(join(dir, path)))
    .map(([path]) => path);
}

function versionOf(packageDir) {
  const file = join(packageDir, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null;
}

/** Whether better-sqlite3 opens a database in a fresh Node process run in `dir`. */
function sqliteLoads(dir) {
  const result = spawnSync(process.execPath, ['-e', PROBE], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  });
  return result.status === 0;
}

/** Copies the compiled binary from the development tree; false when it does not fit. */
function reuseSqlite(root, dir) {
  const from = join(root, SQLITE);
  const to = join(dir, SQLITE);
  if (versionOf(from) !== versionOf(to) || !existsSync(join(from, BINARY))) return false;
  mkdirSync(dirname(join(to, BINARY)), { recursive: true });
  cpSync(join(from, BINARY), join(to, BINARY));
  if (sqliteLoads(dir)) return true;
  rmSync(join(to, 'build'), { recursive: true, force: true });
  return false;
}

function keepOnly(dir, names) {
  for (const entry of readdirSync(dir)) {
    if (!names.includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** Leaves better-sqlite3 with its JavaScript, licence and the one binary it loads. */
function stripSqlite(dir) {
  const packageDir = join(dir, SQLITE);
  keepOnly(packageDir, ['package.json', 'LICENSE', 'README.md', 'lib', 'build']);
  keepOnly(join(packageDir, 'build'), ['Release']);
  keepOnly(join(packageDir, 'build', 'Release'), ['better_sqlite3.node']);
}

/**
 * Builds or copies every native module the staging directory `dir` needs, using the
 * development install in `root` where it can. Throws when better-sqlite3 does not load.
 */
function provideNativeModules({ root, dir, npm, log }) {
  for (const path of withInstallScripts(dir)) {
    if (path === SQLITE && reuseSqlite(root, dir)) {
      log(`${path}: binary reused from the development install (same version and Node ABI)`);
      continue;
    }
    log(`${path}: npm rebuild (runs its install script)`);
    const result = spawnSync(npm, ['rebuild', path.replace(/^.*node_modules\//, '')], {
      cwd: dir,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`npm rebuild failed for ${path}`);
  }
  if (!existsSync(join(dir, SQLITE))) return;
  stripSqlite(dir);
  if (!sqliteLoads(dir)) throw new Error(`better-sqlite3 does not load in Node ${process.version}`);
}

module.exports = { provideNativeModules };
