import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleAssetsDir, isAssetName, loadConsoleAssets } from './console-assets';

describe(loadConsoleAssets.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automx2-console-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is null without index.html', () => {
    expect(loadConsoleAssets(dir)).toBeNull();
    expect(loadConsoleAssets(join(dir, 'missing'))).toBeNull();
    mkdirSync(join(dir, 'index.html'));
    expect(loadConsoleAssets(dir)).toBeNull();
  });

  it('reads the page and the known files of assets/, with their types', () => {
    writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app.js'), 'x');
    writeFileSync(join(dir, 'assets', 'app.css'), 'y');
    writeFileSync(join(dir, 'assets', 'app.js.map'), '{}');
    const assets = loadConsoleAssets(dir);
    expect(assets?.index.contentType).toBe('text/html; charset=utf-8');
    expect(assets?.index.body.toString()).toBe('<!DOCTYPE html>');
    expect([...(assets?.files.keys() ?? [])]).toEqual(['app.css', 'app.js', 'app.js.map']);
    expect(assets?.files.get('app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets?.files.get('app.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets?.files.get('app.js.map')?.contentType).toBe('application/json; charset=utf-8');
  });

  it('gives equal bytes equal entity tags and different bytes different ones', () => {
    writeFileSync(join(dir, 'index.html'), 'a');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'one.js'), 'a');
    writeFileSync(join(dir, 'assets', 'two.js'), 'b');
    const assets = loadConsoleAssets(dir);
    expect(assets?.index.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(assets?.files.get('one.js')?.etag).toBe(assets?.index.etag);
    expect(assets?.files.get('two.js')?.etag).not.toBe(assets?.index.etag);
  });

  it('leaves out dot files, unknown types, directories and nested files', () => {
    writeFileSync(join(dir, 'index.html'), 'a');
    writeFileSync(join(dir, 'secret.js'), 'outside assets/');
    mkdirSync(join(dir, 'assets', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'assets', '.hidden.js'), 'x');
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'x');
    writeFileSync(join(dir, 'assets', 'run.sh'), 'x');
    writeFileSync(join(dir, 'assets', 'sub', 'deep.js'), 'x');
    mkdirSync(join(dir, 'assets', 'dir.js'));
    expect([...(loadConsoleAssets(dir)?.files.keys() ?? [])]).toEqual([]);
  });

  it('follows no link to a directory and serves a file link by its own name only', () => {
    writeFileSync(join(dir, 'index.html'), 'a');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'real.css'), 'z');
    symlinkSync(join(dir, 'real.css'), join(dir, 'assets', 'linked.css'));
    symlinkSync(dir, join(dir, 'assets', 'up.js'));
    const files = loadConsoleAssets(dir)?.files;
    expect([...(files?.keys() ?? [])]).toEqual(['linked.css']);
  });
});

describe(isAssetName.name, () => {
  it.each(['app.js', 'app.css', 'app-1.2.js', 'logo.svg', 'APP.JS'])('accepts %s', (name) => {
    expect(isAssetName(name)).toBe(true);
  });

  it.each([
    '',
    '.js',
    '..',
    '../app.js',
    'a/b.js',
    'a\\b.js',
    'app.js%00',
    'app',
    'app.exe',
    ' app.js',
  ])('refuses %j', (name) => {
    expect(isAssetName(name)).toBe(false);
  });
});

describe(consoleAssetsDir.name, () => {
  it('is dist/console of this package', () => {
    const root = join(consoleAssetsDir(), '..', '..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    expect(manifest.name).toBe('automx2-nest');
    expect(consoleAssetsDir()).toBe(join(root, 'dist', 'console'));
  });
});
