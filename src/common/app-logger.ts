import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogFormat, LogLevel } from '../config/app-config';
import { LogRecord } from './log-record';

/** Nest levels enabled by each automx2 log level. */
export function nestLevelsFor(level: LogLevel): NestLogLevel[] {
  switch (level) {
    case 'DEBUG':
      return ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    case 'INFO':
      return ['log', 'warn', 'error', 'fatal'];
    case 'WARNING':
      return ['warn', 'error', 'fatal'];
    case 'ERROR':
      return ['error', 'fatal'];
    case 'CRITICAL':
      return ['fatal'];
  }
}

const LEVEL_NAMES: Record<NestLogLevel, string> = {
  verbose: 'DEBUG',
  debug: 'DEBUG',
  log: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Redacts values that must never reach a log line (passwords in URLs, auth headers). */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@')
    .replace(/(authorization:\s*)\S+(\s+\S+)?/gi, '$1***')
    .replace(/(password=)[^&\s]*/gi, '$1***');
}

/**
 * One line per message on stderr, human-readable (`text`) or JSON lines (`json`),
 * filtered by `loglevel`. A cluster worker's lines carry its id (`[worker 2]`, or
 * `"worker": 2`), so lines of different workers can be told apart.
 *
 * `notice` lines are INFO lines written at every level: the few that say what the
 * process is doing as a whole (the configuration file, listening with version and
 * commit, a stop signal, what a reload changed), so every log shows them.
 *
 * A LogRecord message (the access log's) becomes a JSON line with its fields in place of
 * `message`, or a text line with its `text()`; one marked `everyLevel` (the admin API's
 * audit trail) is written at every level, as notice lines are.
 */
export class AppLogger implements LoggerService {
  private enabled: Set<NestLogLevel>;
  private current: LogLevel;

  constructor(
    level: LogLevel,
    private readonly format: LogFormat,
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly worker: number | null = null,
  ) {
    this.current = level;
    this.enabled = new Set(nestLevelsFor(level));
  }

  /** The automx2 level in effect. */
  get level(): LogLevel {
    return this.current;
  }

  /** Changes the level from the next message on (a reload, SIGHUP). */
  setLevel(level: LogLevel): void {
    this.current = level;
    this.enabled = new Set(nestLevelsFor(level));
  }

  isEnabled(level: NestLogLevel): boolean {
    return this.enabled.has(level);
  }

  /** An INFO line written whatever the level (see the class comment). */
  notice(message: string, context?: string): void {
    this.writeLine('log', message, context);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: NestLogLevel, message: unknown, rest: unknown[]): void {
    const always = message instanceof LogRecord && message.everyLevel;
    if (!always && !this.enabled.has(level)) return;
    // Nest passes the context last; error() may pass a stack before it.
    const context = typeof rest[rest.length - 1] === 'string' ? String(rest.pop()) : undefined;
    if (message instanceof LogRecord) {
      this.writeRecord(level, message, context);
      return;
    }
    this.writeLine(
      level,
      message instanceof Error
        ? message.message
        : typeof message === 'string'
          ? message
          : JSON.stringify(message),
      context,
    );
  }

  private writeRecord(level: NestLogLevel, record: LogRecord, context: string | undefined): void {
    if (this.format !== 'json') {
      this.writeLine(level, record.text(), context);
      return;
    }
    const time = new Date().toISOString();
    const worker = this.worker ?? undefined;
    const head = { time, level: LEVEL_NAMES[level], worker, context };
    this.write(`${JSON.stringify({ ...head, ...record.fields() })}\n`);
  }

  private writeLine(level: NestLogLevel, message: string, context: string | undefined): void {
    const text = redactSecrets(message);
    const time = new Date().toISOString();
    const name = LEVEL_NAMES[level];
    const worker = this.worker ?? undefined;
    if (this.format === 'json') {
      this.write(`${JSON.stringify({ time, level: name, worker, context, message: text })}\n`);
    } else {
      const prefix = `${worker === undefined ? '' : `[worker ${worker}] `}${context ? `[${context}] ` : ''}`;
      this.write(`${time} ${name} ${prefix}${text}\n`);
    }
  }
}
