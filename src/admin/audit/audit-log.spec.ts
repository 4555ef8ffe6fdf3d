import { Logger } from '@nestjs/common';
import { AppLogger } from '../../common/app-logger';
import { LOG_LEVELS, type LogFormat } from '../../config/app-config';
import { AuditLog } from './audit-log';
import { AuditRecord, oneLine } from './audit-record';

const ENTRY = {
  token: 'ops',
  client: '192.0.2.7',
  method: 'PUT',
  resource: '/admin/api/v1/domains/example.com',
  change: 'created',
};

/** The lines AuditLog writes through the application's logger. */
function recorded(level: (typeof LOG_LEVELS)[number], format: LogFormat, entry = ENTRY): string[] {
  const lines: string[] = [];
  Logger.overrideLogger(new AppLogger(level, format, (line) => lines.push(line)));
  new AuditLog().record(entry);
  // Other lines of the same logger still follow the level.
  new Logger('Other').log('an INFO line');
  return lines.filter((line) => !line.includes('an INFO line'));
}

describe(AuditLog.name, () => {
  it.each(LOG_LEVELS)('writes one line per change at loglevel %s too', (level) => {
    const [line, ...more] = recorded(level, 'text');
    expect(more).toEqual([]);
    expect(line?.replace(/^\S+ /, '')).toBe(
      'INFO [Audit] admin change by token "ops" from 192.0.2.7: ' +
        'PUT /admin/api/v1/domains/example.com: created\n',
    );
  });

  it.each(LOG_LEVELS)('writes JSON fields with log_format = json at loglevel %s', (level) => {
    const lines = recorded(level, 'json');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: expect.any(String),
        level: 'INFO',
        context: 'Audit',
        event: 'admin_change',
        token: 'ops',
        client: '192.0.2.7',
        method: 'PUT',
        resource: '/admin/api/v1/domains/example.com',
        change: 'created',
      },
    ]);
  });

  it('keeps a change on one line whatever its text holds', () => {
    const hostile = {
      ...ENTRY,
      resource: '/admin/api/v1/domains/a\nINFO forged',
      change: 'x\r\ny',
    };
    const lines = recorded('WARNING', 'text', hostile);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.split('\n')).toEqual([expect.stringContaining('a\\u000aINFO forged'), '']);
    expect(lines[0]).toContain('x\\u000d\\u000ay');
    const json = recorded('WARNING', 'json', hostile);
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0]!)).toMatchObject({ resource: hostile.resource, change: 'x\r\ny' });
  });

  afterAll(() => {
    Logger.overrideLogger(false);
  });
});

describe(AuditRecord.name, () => {
  it('is marked to be written at every level; other records are not', () => {
    expect(new AuditRecord(ENTRY).everyLevel).toBe(true);
  });

  it('escapes control characters and line separators only', () => {
    expect(oneLine('bücher.example\t\u2028\u0000')).toBe('bücher.example\\u0009\\u2028\\u0000');
  });
});
