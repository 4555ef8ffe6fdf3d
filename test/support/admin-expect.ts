/**
 * Assertions on the admin API's answers (docs/admin-api.md, "Conventions"): every
 * answer is JSON, errors are short `{"error": …}` objects (plus `field` and `problems`
 * for refused documents) that never carry framework, parser or SQL text.
 */
import type { AdminAnswer } from './admin-client';

/** One problem of a refused document as the API lists it. */
export interface Problem {
  readonly field: string;
  readonly error: string;
}

export interface ErrorBody {
  readonly error: string;
  readonly field?: string;
  readonly problems?: Problem[];
}

/** Text that frameworks, JSON parsers and databases put into their own errors. */
const FOREIGN_TEXT = [
  /Cannot (GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS)\b/,
  /\bstatusCode\b/,
  /Unexpected (token|end|non-whitespace|character)/i,
  /\bin JSON at\b|JSON\.parse|SyntaxError|RangeError|TypeError/,
  /QueryFailedError|SQLITE_|\bER_[A-Z_]+|duplicate key|violates|\bSELECT\b|\bINSERT\b|\bUPDATE\b/,
  /node_modules|\n\s+at |\bat [\w.$<>]+ \(/,
  /\b(Fastify|fastify|Express|express|NestJS|TypeORM|typeorm|better-sqlite3|mysql2)\b/,
  /FST_[A-Z_]+|\bentity\.too\.large\b|Internal server error/i,
];

/** The first foreign text found in `text`, or undefined. */
export function foreignText(text: string): string | undefined {
  for (const pattern of FOREIGN_TEXT) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

export function isJsonAnswer(answer: AdminAnswer): boolean {
  return /^application\/json\b/i.test(String(answer.headers['content-type'] ?? ''));
}

/**
 * Asserts an error answer of `status`: JSON `{"error": …}` with nothing else than
 * `field` and `problems`, short, free of foreign text. Returns the body.
 */
export function expectError(answer: AdminAnswer, status: number): ErrorBody {
  const label = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ label, status: answer.status }).toEqual({ label, status });
  expect({ label, contentType: answer.headers['content-type'] }).toEqual({
    label,
    contentType: expect.stringMatching(/^application\/json\b/i) as unknown,
  });
  const body = answer.json as Record<string, unknown> | undefined;
  expect({ label, body }).toEqual({
    label,
    body: expect.objectContaining({ error: expect.any(String) as unknown }) as unknown,
  });
  const errorBody = body as unknown as ErrorBody;
  expect(
    Object.keys(errorBody).filter(
      (key) => !['error', 'field', 'problems', 'problems_total'].includes(key),
    ),
  ).toEqual([]);
  expect(errorBody.error.length).toBeGreaterThan(0);
  // Short, and bounded even with every problem listed (at most 100 of them).
  expect({ label, length: answer.text.length < 4096 || errorBody.problems !== undefined }).toEqual({
    label,
    length: true,
  });
  expect({ label, bounded: answer.text.length < 64 * 1024 }).toEqual({ label, bounded: true });
  expect(errorBody.error.length).toBeLessThanOrEqual(300);
  expect({ label, foreign: foreignText(answer.text) }).toEqual({ label, foreign: undefined });
  return errorBody;
}

/**
 * Asserts a refused document: 400 with `field` (the first problem's) and `problems`
 * (each `{field, error}`); returns the problems as `field: error` lines.
 */
export function expectRefused(answer: AdminAnswer): string[] {
  const body = expectError(answer, 400);
  const label = answer.text.slice(0, 300);
  expect({ label, field: typeof body.field, problems: Array.isArray(body.problems) }).toEqual({
    label,
    field: 'string',
    problems: true,
  });
  const problems = body.problems ?? [];
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(Object.keys(problem).sort()).toEqual(['error', 'field']);
    expect(typeof problem.field).toBe('string');
    expect(typeof problem.error).toBe('string');
  }
  expect(problems[0]?.field).toBe(body.field);
  return problems.map((problem) => `${problem.field}: ${problem.error}`);
}

/** Asserts a successful JSON answer of `status` and returns its body. */
export function expectJson<T = unknown>(answer: AdminAnswer, status: number): T {
  const label = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ label, status: answer.status }).toEqual({ label, status });
  expect({ label, json: isJsonAnswer(answer) }).toEqual({ label, json: true });
  return answer.json as T;
}
