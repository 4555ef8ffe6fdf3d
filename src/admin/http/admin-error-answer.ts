import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { ERROR_STATUS } from '../../common/error-status';
import { AdminError, type FieldProblem } from '../admin-error';
import { BadCursor, PreconditionFailed, WriteConflict } from '../admin-store';

/**
 * The admin API's error answers: short JSON (`{"error": …}`, plus `field` and
 * `problems` for a refused document), `application/json; charset=utf-8`, never a
 * framework's or the database's own words. Used by the admin controllers' filter and,
 * for what happens before a route runs (unknown path, body too large), by the global
 * one.
 */

export interface ErrorAnswer {
  readonly status: number;
  /** The JSON body; none for 204 (OPTIONS) and HEAD. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Seconds a client should wait after a 503 (as the public routes answer). */
export const RETRY_AFTER_SECONDS = '5';

/** What INVALID_SEED lines of the database's own refusal start with (seed.repository.ts). */
const DATABASE_REJECTED = /^the database rejected the data\b/i;

/** `document: not valid JSON (<the JSON parser's words>)` (import-document.ts). */
const PARSER_DETAIL = /^(document: not valid JSON) \(.*\)$/;

/** A line without `path: ` names the document as a whole. */
const WHOLE_DOCUMENT = 'document';

/**
 * Most problems an answer lists: enough to fix a document in a few rounds, while a
 * 60 KB body of empty objects cannot make a 700 KB answer. `problems_total` says how
 * many there were.
 */
export const MAX_LISTED_PROBLEMS = 100;

export function errorBody(message: string, problems: readonly FieldProblem[] = []): string {
  const first = problems[0];
  if (first === undefined) return JSON.stringify({ error: message });
  if (problems.length <= MAX_LISTED_PROBLEMS) {
    return JSON.stringify({ error: message, field: first.field, problems });
  }
  return JSON.stringify({
    error: message,
    field: first.field,
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    problems_total: problems.length,
  });
}

export function errorAnswer(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): ErrorAnswer {
  return { status, body: errorBody(message), headers };
}

/**
 * The problems of an INVALID_SEED message, one per line, each split at its first `: `
 * into field path and problem. The database's own reason for refusing rows is not
 * repeated (it speaks of tables and constraints): that line says only that it refused;
 * nor are the JSON parser's words (positions, engine phrasing) for a malformed document.
 */
export function problemsOf(message: string): FieldProblem[] {
  return message
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      if (DATABASE_REJECTED.test(line)) {
        return { field: WHOLE_DOCUMENT, error: 'the database rejected the data' };
      }
      const plain = line.replace(PARSER_DETAIL, '$1');
      const colon = plain.indexOf(': ');
      return colon < 0
        ? { field: WHOLE_DOCUMENT, error: plain }
        : { field: plain.slice(0, colon), error: plain.slice(colon + 2) };
    });
}

/**
 * The answer for an error of an admin route, or null for an unexpected one (a bug or an
 * unclassified failure: the caller logs it and answers 500).
 */
export function adminErrorAnswer(exception: unknown): ErrorAnswer | null {
  if (exception instanceof AdminError) {
    const problems = exception.options.problems ?? [];
    return {
      status: exception.status,
      body: errorBody(exception.message, problems),
      headers: exception.options.headers ?? {},
    };
  }
  if (exception instanceof DomainError) return domainErrorAnswer(exception);
  if (exception instanceof BadCursor) {
    return {
      status: 400,
      body: errorBody(exception.message, problemsOf(exception.message)),
      headers: {},
    };
  }
  if (exception instanceof PreconditionFailed) return errorAnswer(412, exception.message);
  if (exception instanceof WriteConflict) return errorAnswer(409, exception.message);
  const status =
    exception instanceof HttpException ? exception.getStatus() : libraryStatus(exception);
  // A 4xx of the framework or a body parser; anything else is unexpected (logged, 500).
  if (status !== null && status >= 400 && status < 500) return errorAnswer(status, reason(status));
  return null;
}

export const INTERNAL_ERROR: ErrorAnswer = errorAnswer(500, 'internal error');

/** 404 for an unknown path, 405 (with Allow) for a wrong method, 204 for OPTIONS. */
export function unmatchedAnswer(method: string, methods: readonly string[] | null): ErrorAnswer {
  if (methods === null) return errorAnswer(404, 'not found');
  const allow = { Allow: [...methods, 'OPTIONS'].join(', ') };
  if (method === 'OPTIONS') return { status: 204, body: '', headers: allow };
  return errorAnswer(405, 'method not allowed', allow);
}

function domainErrorAnswer(error: DomainError): ErrorAnswer {
  if (error.code === 'INVALID_SEED') {
    const problems = problemsOf(error.message);
    const first = problems[0] ?? { field: WHOLE_DOCUMENT, error: 'invalid' };
    return {
      status: 400,
      body: errorBody(`${first.field}: ${first.error}`, problems.length > 0 ? problems : [first]),
      headers: {},
    };
  }
  if (error.code === 'BACKEND_UNAVAILABLE') {
    return errorAnswer(503, error.message, { 'Retry-After': RETRY_AFTER_SECONDS });
  }
  const status: number = ERROR_STATUS[error.code];
  // Codes answered as "no content" on the public routes (unknown domain) are a 404 here.
  return status < 400 ? errorAnswer(404, 'not found') : errorAnswer(status, error.message);
}

/** `not found`, `bad request`: the status's reason phrase in lower case. */
function reason(status: number): string {
  if (status === 413) return 'request body too large';
  return (STATUS_CODES[status] ?? 'error').toLowerCase();
}

/** Errors with an HTTP status raised by body parsers (payload too large, bad encoding). */
function libraryStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const status =
    (exception as { statusCode?: unknown; status?: unknown }).statusCode ??
    (exception as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
