import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CliError } from './cli.errors';
import { replaceFile } from './replace-file';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'automx2-replace-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A source that yields `pieces`, then fails with `error` if one is given. */
function source(pieces: readonly string[], error?: Error): Readable {
  async function* text() {
    for (const piece of pieces) {
      await new Promise((resolve) => setImmediate(resolve));
      yield piece;
    }
    if (error) throw error;
  }
  return Readable.from(text(), { objectMode: false });
}

describe('replaceFile', () => {
  it('writes a new file, owner-only, leaving nothing else behind', async () => {
    const path = join(dir, 'export.json');
    await replaceFile(path, source(['{\n', '"a": "ü"', '\n}\n']));
    expect(readFileSync(path, 'utf8')).toBe('{\n"a": "ü"\n}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600 & ~process.umask());
    expect(readdirSync(dir)).toEqual(['export.json']);
  });

  it('keeps an earlier file as it was when the source fails half-way', async () => {
    const path = join(dir, 'export.json');
    writeFileSync(path, 'earlier\n');
    const failure = new Error('the database went away');
    await expect(replaceFile(path, source(['{\n', 'partial'], failure))).rejects.toBe(failure);
    expect(readFileSync(path, 'utf8')).toBe('earlier\n');
    expect(readdirSync(dir)).toEqual(['export.json']);
  });

  it('replaces an earlier file keeping its permissions', async () => {
    const path = join(dir, 'export.json');
    writeFileSync(path, 'earlier\n');
    chmodSync(path, 0o640);
    await replaceFile(path, source(['new\n']));
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('replaces the target of a symbolic link, which stays a link', async () => {
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'earlier\n');
    symlinkSync(target, link);
    await replaceFile(link, source(['new\n']));
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'target.json']);
  });

  it('writes into a path that is no regular file (a FIFO) directly', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const read = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (chunk) => (text += String(chunk)))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    await replaceFile(fifo, source(['through ', 'the pipe\n']));
    expect(await read).toBe('through the pipe\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['fifo']);
  });

  it('names the path when the file cannot be written', async () => {
    const path = join(dir, 'missing', 'export.json');
    const error = await replaceFile(path, source(['x'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      `${path}: cannot write: ENOENT: no such file or directory`,
    );
  });
});
