import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What was built and what runs it: the start-up line, `--version`, automx2_build_info. */
export interface BuildInfo {
  /** `version` of package.json. */
  readonly version: string;
  /** The commit dist/ was built from (scripts/build-info.js), or "unknown". */
  readonly commit: string;
  /** The Node.js version running this process (`v20.19.0`). */
  readonly node: string;
}

export const UNKNOWN = 'unknown';

/** Where the files are: dist/ (or src/ under ts-jest) and the package root above it. */
export interface BuildInfoFiles {
  readonly packageJson: string;
  readonly buildInfoJson: string;
  readonly read: (path: string) => string;
}

const DEFAULT_FILES: BuildInfoFiles = {
  // This file is dist/common/build-info.js once compiled.
  packageJson: join(__dirname, '..', '..', 'package.json'),
  buildInfoJson: join(__dirname, '..', 'build-info.json'),
  read: (path) => readFileSync(path, 'utf8'),
};

/** A string field of a JSON file, or null when the file or the field is missing. */
function field(files: BuildInfoFiles, path: string, name: string): string | null {
  try {
    const parsed: unknown = JSON.parse(files.read(path));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const value = (parsed as Record<string, unknown>)[name];
    return typeof value === 'string' && value.trim() ? value.trim() : null;
  } catch {
    return null;
  }
}

/** Reads the build's files; never calls git. Missing values are "unknown". */
export function readBuildInfo(files: BuildInfoFiles = DEFAULT_FILES): BuildInfo {
  return {
    version: field(files, files.packageJson, 'version') ?? UNKNOWN,
    commit: field(files, files.buildInfoJson, 'commit') ?? UNKNOWN,
    node: process.version,
  };
}

let cached: BuildInfo | null = null;

/** This process's build information, read once. */
export function buildInfo(): BuildInfo {
  cached ??= readBuildInfo();
  return cached;
}

/** `automx2-nest 0.1.0 (commit 1a2b3c4, Node.js v20.19.0)` */
export function describeBuild(info: BuildInfo = buildInfo()): string {
  return `automx2-nest ${info.version} (commit ${info.commit}, Node.js ${info.node})`;
}
