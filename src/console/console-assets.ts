import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One file of the built console, held in memory. */
export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong entity tag of the bytes. */
  readonly etag: string;
}

/** The built console: its page and the files under `assets/`, by file name. */
export interface ConsoleAssets {
  readonly index: ConsoleFile;
  readonly files: ReadonlyMap<string, ConsoleFile>;
}

/** The types of the files the console build writes; other files are never served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A served asset name: one path segment of plain characters, never a dot file. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The largest file read into memory (the console bundle is far smaller). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * `<package root>/dist/console`, where scripts/build-console.js writes the console.
 * This module sits two levels below the package root both when compiled
 * (`dist/console/`) and when run from its source (`src/console/`).
 */
export function consoleAssetsDir(): string {
  return join(__dirname, '..', '..', 'dist', 'console');
}

/** Whether `name` may name a served file under `assets/`. */
export function isAssetName(name: string): boolean {
  return ASSET_NAME.test(name) && CONTENT_TYPES[extname(name).toLowerCase()] !== undefined;
}

/**
 * Reads the built console from `dir` once: `index.html` and the regular files of
 * `assets/` whose names and types are known. Null when `index.html` is missing (the
 * console was not built).
 */
export function loadConsoleAssets(dir: string): ConsoleAssets | null {
  const indexPath = join(dir, 'index.html');
  if (!isRegularFile(indexPath)) return null;
  const files = new Map<string, ConsoleFile>();
  const assetsDir = join(dir, 'assets');
  if (existsSync(assetsDir) && statSync(assetsDir).isDirectory()) {
    for (const name of readdirSync(assetsDir).sort()) {
      const path = join(assetsDir, name);
      if (isAssetName(name) && isRegularFile(path)) files.set(name, readConsoleFile(path));
    }
  }
  return { index: readConsoleFile(indexPath), files };
}

function isRegularFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size <= MAX_FILE_BYTES;
  } catch {
    return false;
  }
}

function readConsoleFile(path: string): ConsoleFile {
  const body = readFileSync(path);
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return {
    body,
    contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    etag: `"${digest}"`,
  };
}
