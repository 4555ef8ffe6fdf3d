import { AppLogger } from './app-logger';
import { LogRecord, type LogFieldValue } from './log-record';

class PairRecord extends LogRecord {
  fields(): Record<string, LogFieldValue> {
    return { route: '/x', status: 200, absent: undefined };
  }
  text(): string {
    return 'GET /x 200';
  }
}

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

  it('follows a new level from the next message on (reload)', () => {
    const lines: string[] = [];
    const logger = new AppLogger('WARNING', 'text', (line) => lines.push(line));
    logger.log('hidden', 'Main');
    logger.setLevel('INFO');
    logger.log('shown', 'Main');
    logger.setLevel('ERROR');
    logger.warn('hidden too', 'Main');
    expect(logger.level).toBe('ERROR');
    expect(lines.map((line) => line.replace(TIME, 'T'))).toEqual(['T INFO [Main] shown\n']);
  });

  it('writes a LogRecord as fields of a JSON line, without a message', () => {
    const lines: string[] = [];
    new AppLogger('INFO', 'json', (line) => lines.push(line), 2).log(new PairRecord(), 'Access');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['time', 'level', 'worker', 'context', 'route', 'status']);
    expect(parsed).toMatchObject({ level: 'INFO', worker: 2, context: 'Access', status: 200 });
  });

  it('writes a LogRecord as its text on a text line, and drops it below the level', () => {
    const lines: string[] = [];
    new AppLogger('INFO', 'text', (line) => lines.push(line)).log(new PairRecord(), 'Access');
    new AppLogger('WARNING', 'json', (line) => lines.push(line)).log(new PairRecord(), 'Access');
    expect(lines.map((line) => line.replace(TIME, 'T'))).toEqual(['T INFO [Access] GET /x 200\n']);
  });

  it('writes notices as INFO lines at every level', () => {
    const lines: string[] = [];
    const logger = new AppLogger('CRITICAL', 'json', (line) => lines.push(line));
    logger.notice('listening on http://127.0.0.1:4243', 'Main');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'INFO',
      context: 'Main',
      message: 'listening on http://127.0.0.1:4243',
    });
  });
});
