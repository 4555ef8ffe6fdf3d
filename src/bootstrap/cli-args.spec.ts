import { parseServeArgs, UsageError } from './cli-args';

function usageErrorOf(argv: readonly string[]): string {
  try {
    parseServeArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(argv)}`);
}

describe(parseServeArgs.name, () => {
  it('gives no overrides without arguments', () => {
    expect(parseServeArgs([])).toEqual({});
  });

  it.each([
    [['--host', '0.0.0.0'], { host: '0.0.0.0' }],
    [['--host=::1'], { host: '::1' }],
    [['--host', ' 127.0.0.1 '], { host: '127.0.0.1' }],
    [['--port', '8080'], { port: 8080 }],
    [['--port=0'], { port: 0 }],
    [['--port', '65535'], { port: 65535 }],
    [['--port', '08080'], { port: 8080 }],
    [['--host', 'localhost', '--port', '4243'], { host: 'localhost', port: 4243 }],
    [['--port=1', '--host=h'], { host: 'h', port: 1 }],
  ])('%j gives %j', (argv, expected) => {
    expect(parseServeArgs(argv)).toEqual(expected);
  });

  it('lets the last of a repeated option win', () => {
    expect(parseServeArgs(['--port', '1', '--port', '2'])).toEqual({ port: 2 });
  });

  it.each([['65536'], ['-1'], ['x'], ['80x'], ['1.5'], [''], [' 80'], ['1e3']])(
    'refuses --port=%j, naming the allowed range',
    (value) => {
      expect(usageErrorOf([`--port=${value}`])).toBe(
        `--port ${JSON.stringify(value)}: expected 0-65535`,
      );
    },
  );

  it.each([[['--host=']], [['--host', '   ']]])('refuses an empty host %j', (argv) => {
    expect(usageErrorOf(argv)).toBe('--host needs a value');
  });

  it.each([
    [['--port']],
    [['--host']],
    [['--host', '--port', '1']],
    [['--verbose']],
    [['-p', '1']],
    [['serve']],
    [['--port', '1', 'extra']],
    [['--build-only']],
  ])('refuses %j as a usage error', (argv) => {
    expect(usageErrorOf(argv).length).toBeGreaterThan(0);
  });
});
