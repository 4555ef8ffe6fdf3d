import { AppLogger } from './app-logger';

/** The line(s) one message becomes. */
function linesOf(logger: (write: (line: string) => void) => AppLogger): string[] {
  const lines: string[] = [];
  logger((line) => lines.push(line)).warn('listening', 'Main');
  return lines;
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe(AppLogger.name, () => {
  it('writes level, context and message on one text line', () => {
    const [line] = linesOf((write) => new AppLogger('WARNING', 'text', write));
    expect(line?.replace(TIME, 'T')).toBe('T WARNING [Main] listening\n');
  });

  it('names a cluster worker on its text lines', () => {
    const [line] = linesOf((write) => new AppLogger('WARNING', 'text', write, 3));
    expect(line?.replace(TIME, 'T')).toBe('T WARNING [worker 3] [Main] listening\n');
  });

  it('adds the worker to JSON lines only in a worker', () => {
    const [single] = linesOf((write) => new AppLogger('WARNING', 'json', write));
    const [worker] = linesOf((write) => new AppLogger('WARNING', 'json', write, 3));
    expect(Object.keys(JSON.parse(single!) as object)).toEqual([
      'time',
      'level',
      'context',
      'message',
    ]);
    expect(JSON.parse(worker!)).toMatchObject({
      level: 'WARNING',
      worker: 3,
      context: 'Main',
      message: 'listening',
    });
  });

  it('drops messages below the configured level', () => {
    const lines: string[] = [];
    new AppLogger('ERROR', 'text', (line) => lines.push(line), 1).warn('quiet', 'Main');
    expect(lines).toEqual([]);
  });
});
