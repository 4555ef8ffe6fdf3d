import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { firstPassOnly } from '../support/adapter-pass';
import { ROOT } from '../support/dist';
import {
  buildRelease,
  listRelease,
  unpackRelease,
  type TarEntry,
} from '../support/release-tarball';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { describeWith } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

/**
 * `npm run release` (scripts/release.js): the tarball is built into a temporary
 * directory, unpacked into another and started from there with Node alone, against
 * SQLite and PostgreSQL. Nothing of the checkout is on its module path, and no
 * development dependency is in it. Once per `npm test` (the suite does not depend on
 * the HTTP adapter). A tarball that cannot be built fails the suite; it never skips.
 */

const BUILD_TIMEOUT_MS = 170_000;
const START_TIMEOUT_MS = 45_000;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
/** Development tools that must never reach the production tree. */
const DEV_ONLY = [
  'typescript',
  'ts-jest',
  'jest',
  '@types/jest',
  'eslint',
  'typescript-eslint',
  'prettier',
  '@nestjs/testing',
  'supertest',
  'fast-check',
  'autocannon',
];
const LICENCE_FILES = ['LICENSE', 'LICENSE.md', 'LICENCE', 'COPYING'];
const run = promisify(execFile);

firstPassOnly()('release tarball (npm run release)', () => {
  let work: string;
  let tarball: string;
  let installed: string;
  let entries: TarEntry[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'automx2-release-test-'));
    tarball = await buildRelease(join(work, 'out'), BUILD_TIMEOUT_MS);
    const unpacked = join(work, 'opt');
    mkdirSync(unpacked);
    installed = await unpackRelease(tarball, unpacked);
    entries = await listRelease(tarball);
  }, BUILD_TIMEOUT_MS + 20_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the installed CLI (bin/automx2-nest.js) with a configuration of its own. */
  async function cli(dbUri: string, ...args: string[]): Promise<string> {
    const conf = join(work, 'cli.conf');
    writeFileSync(conf, `[automx2]\ndb_uri = ${dbUri}\n`);
    const { stdout } = await run(
      process.execPath,
      [join(installed, 'bin', 'automx2-nest.js'), ...args],
      {
        cwd: installed,
        env: { PATH: process.env.PATH ?? '', HOME: work, AUTOMX2_CONF: conf },
        timeout: START_TIMEOUT_MS,
      },
    );
    return stdout;
  }

  /** Loads the sample data, then expects readiness and one autoconfig answer. */
  async function expectServes(server: ServerProcess): Promise<void> {
    const initdb = await fetch(`${server.url}/initdb/`);
    expect(initdb.status).toBe(200);
    const ready = await fetch(`${server.url}/healthz/ready`);
    expect({ status: ready.status, body: await ready.text() }).toEqual({ status: 200, body: 'ok' });
    const answer = await fetch(
      `${server.url}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent('user@example.com')}`,
    );
    expect(answer.status).toBe(200);
    const xml = await answer.text();
    expect(xml).toMatch(/^<clientConfig version="1\.1">/);
    expect(xml).toContain('<domain>example.com</domain>');
  }

  it('is named for the version, Node major and platform, with one top-level directory', () => {
    const node = `node${process.versions.node.split('.')[0]}`;
    expect(relative(join(work, 'out'), tarball)).toBe(
      `${pkg.name}-${pkg.version}-${node}-${process.platform}-${process.arch}.tar.gz`,
    );
    const top = `${pkg.name}-${pkg.version}/`;
    expect(entries.filter((entry) => !entry.path.startsWith(top))).toEqual([]);
  });

  it('holds dist/, bin/, production node_modules, package files, contrib/, docs/ and README', () => {
    const licences = LICENCE_FILES.filter((name) => existsSync(join(ROOT, name)));
    expect(readdirSync(installed).sort()).toEqual(
      [
        'README.md',
        'bin',
        'contrib',
        'dist',
        'docs',
        'node_modules',
        'package-lock.json',
        'package.json',
        ...licences,
      ].sort(),
    );
    for (const file of ['dist/main.js', 'dist/cli.js', 'bin/automx2-nest.js']) {
      expect({ file, exists: existsSync(join(installed, file)) }).toEqual({ file, exists: true });
    }
    expect(readdirSync(join(installed, 'dist', 'migrations', 'common')).length).toBeGreaterThan(0);
    expect(readdirSync(join(installed, 'contrib', 'systemd'))).toContain('automx2-nest.service');
    for (const name of Object.keys(pkg.dependencies)) {
      const present = existsSync(join(installed, 'node_modules', name, 'package.json'));
      expect({ name, present }).toEqual({ name, present: true });
    }
  });

  it('has no development dependency and none of our TypeScript sources', () => {
    for (const name of DEV_ONLY) {
      const present = existsSync(join(installed, 'node_modules', name));
      expect({ name, present }).toEqual({ name, present: false });
    }
    // Our own TypeScript; packages in node_modules may ship theirs.
    const sources = entries.filter(
      (entry) => !entry.path.includes('/node_modules/') && /\.ts$/.test(entry.path),
    );
    expect(sources.map((entry) => entry.path)).toEqual([]);
  });

  it('keeps better-sqlite3 to its JavaScript and the one binary it loads', () => {
    const sqlite = join(installed, 'node_modules', 'better-sqlite3');
    expect(readdirSync(sqlite).sort()).toEqual(
      ['LICENSE', 'README.md', 'build', 'lib', 'package.json'].sort(),
    );
    expect(readdirSync(join(sqlite, 'build'))).toEqual(['Release']);
    expect(readdirSync(join(sqlite, 'build', 'Release'))).toEqual(['better_sqlite3.node']);
  });

  it('is owned by root and readable by everyone (a DynamicUser= service reads it)', () => {
    const odd = entries.filter((entry) => entry.owner !== '0/0' || entry.mode[7] !== 'r');
    expect(odd).toEqual([]);
  });

  it('is unpacked outside the checkout, so nothing of it is on the module path', () => {
    expect(relative(ROOT, installed).startsWith('..')).toBe(true);
  });

  it(
    'starts from the tarball on SQLite: ready, sample data, an autoconfig answer',
    async () => {
      const dir = mkdtempSync(join(work, 'sqlite-'));
      const server = await startServerProcess(
        { db_uri: `sqlite:///${join(dir, 'automx2.sqlite')}` },
        START_TIMEOUT_MS,
        { root: installed },
      );
      try {
        await expectServes(server);
      } finally {
        await server.destroy();
      }
    },
    2 * START_TIMEOUT_MS,
  );

  describeWith('postgres')('on PostgreSQL', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });

    afterAll(async () => {
      await database?.drop();
    });

    it(
      'migrates with the installed CLI, then serves: ready, sample data, an autoconfig answer',
      async () => {
        await cli(database.dbUri, 'migrate');
        const server = await startServerProcess({ db_uri: database.dbUri }, START_TIMEOUT_MS, {
          root: installed,
        });
        try {
          await expectServes(server);
        } finally {
          await server.destroy();
        }
      },
      3 * START_TIMEOUT_MS,
    );
  });
});
