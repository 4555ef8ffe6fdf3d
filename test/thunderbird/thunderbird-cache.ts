import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The Thunderbird versions scripts/fetch-thunderbird.sh unpacked (outside the
 * repository: the code is MPL-licensed and never committed). A version counts once its
 * VERSION marker exists, which the script writes last.
 */
export interface ThunderbirdVersion {
  /** Debian package version, e.g. `1:153.8.0esr-1~deb12u1`. */
  readonly debianVersion: string;
  /** Thunderbird's own version (application.ini), e.g. `153.8.0`. */
  readonly version: string;
  /** The cache directory of this version (THUNDERBIRD_DIR for the harness). */
  readonly dir: string;
  /** The ISP documents Thunderbird ships (`isp/*.xml` of its install directory). */
  readonly ispDocuments: readonly string[];
}

export const THUNDERBIRD_CACHE = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'automx2-nest',
  'thunderbird',
);

export const FETCH_HINT =
  "Run scripts/fetch-thunderbird.sh: it downloads Debian's thunderbird package " +
  `(apt-get download, nothing installed) and unpacks it into ${THUNDERBIRD_CACHE}`;

/** Cached versions, newest first. */
export function cachedThunderbirdVersions(): ThunderbirdVersion[] {
  if (!existsSync(THUNDERBIRD_CACHE)) return [];
  const versions = readdirSync(THUNDERBIRD_CACHE).flatMap((name) => {
    const dir = join(THUNDERBIRD_CACHE, name);
    const marker = join(dir, 'VERSION');
    if (!existsSync(marker)) return [];
    const [debianVersion = name, version = '?'] = readFileSync(marker, 'utf8').trim().split('\n');
    const ispDir = join(dir, 'app', 'isp');
    const ispDocuments = existsSync(ispDir)
      ? readdirSync(ispDir)
          .filter((file) => file.endsWith('.xml'))
          .sort()
          .map((file) => join(ispDir, file))
      : [];
    return [{ debianVersion, version, dir, ispDocuments }];
  });
  const numeric = (version: string) => version.split('.').map((part) => parseInt(part, 10) || 0);
  return versions.sort((a, b) => {
    const [x, y] = [numeric(a.version), numeric(b.version)];
    const index = x.findIndex((part, i) => part !== (y[i] ?? 0));
    return index < 0 ? 0 : (y[index] ?? 0) - (x[index] ?? 0);
  });
}

/** CI and TEST_REQUIRE_SERVICES=1 need the cache; elsewhere the suite skips without it. */
export function thunderbirdRequired(): boolean {
  return process.env.TEST_REQUIRE_SERVICES === '1' || ['1', 'true'].includes(process.env.CI ?? '');
}

/**
 * `describe` over the cached versions. Without any: a failing test saying how to fill
 * the cache when it is required, else a skipped suite and that message on stderr (as
 * test/support/services.ts does for missing services).
 */
export function describeWithThunderbird(
  name: string,
  body: (versions: readonly ThunderbirdVersion[]) => void,
): void {
  const versions = cachedThunderbirdVersions();
  if (versions.length > 0) {
    describe(name, () => body(versions));
  } else if (thunderbirdRequired()) {
    describe(name, () => {
      it('finds Thunderbird in the cache', () => {
        throw new Error(`No Thunderbird in ${THUNDERBIRD_CACHE}. ${FETCH_HINT}`);
      });
    });
  } else {
    process.stderr.write(`SKIPPED (thunderbird missing): ${FETCH_HINT}\n`);
    describe.skip(name, () => {
      it('needs the Thunderbird cache', () => undefined);
    });
  }
}
