import {
  BadRequestException,
  ForbiddenException,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { AdminError } from '../admin-error';
import { BadCursor, PreconditionFailed, WriteConflict } from '../admin-store';
import {
  adminErrorAnswer,
  errorBody,
  INTERNAL_ERROR,
  MAX_LISTED_PROBLEMS,
  problemsOf,
  unmatchedAnswer,
  type ErrorAnswer,
} from './admin-error-answer';

/** The answer, its body parsed. */
function answered(exception: unknown): { status: number; body: unknown; headers: object } {
  const answer = adminErrorAnswer(exception);
  if (answer === null) throw new Error('expected an answer');
  return { status: answer.status, body: JSON.parse(answer.body), headers: answer.headers };
}

describe(problemsOf.name, () => {
  it('splits each line at its first ": "', () => {
    expect(problemsOf('servers[0].port: must be 1: to 65535\nprovider: missing')).toEqual([
      { field: 'servers[0].port', error: 'must be 1: to 65535' },
      { field: 'provider', error: 'missing' },
    ]);
  });

  it('names the document for a line without a path, and skips empty lines', () => {
    expect(problemsOf('invalid\n\n')).toEqual([{ field: 'document', error: 'invalid' }]);
  });

  it("keeps the JSON parser's words out", () => {
    expect(
      problemsOf(
        'document: not valid JSON (Expected double-quoted property name in JSON at position 14)',
      ),
    ).toEqual([{ field: 'document', error: 'not valid JSON' }]);
  });

  it("keeps the database's own reason out", () => {
    expect(
      problemsOf('the database rejected the data: UNIQUE constraint failed: provider.name'),
    ).toEqual([{ field: 'document', error: 'the database rejected the data' }]);
    expect(problemsOf('The database rejected the data')).toEqual([
      { field: 'document', error: 'the database rejected the data' },
    ]);
  });
});

describe(errorBody.name, () => {
  it('lists at most MAX_LISTED_PROBLEMS problems and says how many there were', () => {
    const problems = Array.from({ length: 5000 }, (_, index) => ({
      field: `k${index}`,
      error: 'unknown field',
    }));
    const body = JSON.parse(errorBody('k0: unknown field', problems)) as {
      field: string;
      problems: unknown[];
      problems_total: number;
    };
    expect(body.field).toBe('k0');
    expect(body.problems).toEqual(problems.slice(0, MAX_LISTED_PROBLEMS));
    expect(body.problems_total).toBe(5000);
    const all = JSON.parse(errorBody('x: y', problems.slice(0, 3))) as object;
    expect(Object.keys(all)).toEqual(['error', 'field', 'problems']);
  });
});

describe(adminErrorAnswer.name, () => {
  it('answers an AdminError with its status, message, problems and headers', () => {
    expect(
      answered(new AdminError(401, 'missing token', { headers: { 'WWW-Authenticate': 'Bearer' } })),
    ).toEqual({
      status: 401,
      body: { error: 'missing token' },
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    const problems = [
      { field: 'limit', error: 'bad' },
      { field: 'cursor', error: 'worse' },
    ];
    expect(answered(new AdminError(400, 'limit: bad', { problems })).body).toEqual({
      error: 'limit: bad',
      field: 'limit',
      problems,
    });
  });

  it('answers INVALID_SEED with every problem, field = the first one', () => {
    const error = new DomainError(
      'INVALID_SEED',
      'servers[0].port: must be an integer\nprovider.name: missing',
    );
    expect(answered(error)).toEqual({
      status: 400,
      body: {
        error: 'servers[0].port: must be an integer',
        field: 'servers[0].port',
        problems: [
          { field: 'servers[0].port', error: 'must be an integer' },
          { field: 'provider.name', error: 'missing' },
        ],
      },
      headers: {},
    });
  });

  it('answers an unavailable backend 503 with Retry-After', () => {
    expect(answered(new DomainError('BACKEND_UNAVAILABLE', 'Database busy'))).toEqual({
      status: 503,
      body: { error: 'Database busy' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('maps other domain errors through the status table; "no content" codes are 404', () => {
    expect(answered(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'no')).status).toBe(415);
    expect(answered(new DomainError('PAYLOAD_TOO_LARGE', 'big')).status).toBe(413);
    expect(answered(new DomainError('UNKNOWN_DOMAIN', 'x'))).toEqual({
      status: 404,
      body: { error: 'not found' },
      headers: {},
    });
  });

  it("answers the store's refusals", () => {
    expect(answered(new PreconditionFailed()).status).toBe(412);
    expect(answered(new WriteConflict('in use by 3 domains'))).toEqual({
      status: 409,
      body: { error: 'in use by 3 domains' },
      headers: {},
    });
    expect(answered(new BadCursor())).toEqual({
      status: 400,
      body: {
        error: 'cursor: not a cursor of this list',
        field: 'cursor',
        problems: [{ field: 'cursor', error: 'not a cursor of this list' }],
      },
      headers: {},
    });
  });

  it("answers the framework's and body parsers' 4xx in its own words", () => {
    expect(answered(new PayloadTooLargeException('Request entity too large: 5 > 4'))).toEqual({
      status: 413,
      body: { error: 'request body too large' },
      headers: {},
    });
    expect(answered(new BadRequestException({ message: ['x'], statusCode: 400 })).body).toEqual({
      error: 'bad request',
    });
    expect(answered(new ForbiddenException()).body).toEqual({ error: 'forbidden' });
    expect(answered(new NotFoundException('Cannot GET /x')).body).toEqual({ error: 'not found' });
    const parserError = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
    });
    expect(answered(parserError).body).toEqual({ error: 'request body too large' });
    const fastifyError = Object.assign(new Error('Body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(answered(fastifyError).status).toBe(413);
  });

  it('leaves anything else to the caller (logged, 500)', () => {
    expect(adminErrorAnswer(new TypeError('x is undefined'))).toBeNull();
    expect(adminErrorAnswer(new InternalServerErrorException())).toBeNull();
    expect(adminErrorAnswer(Object.assign(new Error('db'), { status: 500 }))).toBeNull();
    expect(adminErrorAnswer('a string')).toBeNull();
    expect(adminErrorAnswer(null)).toBeNull();
    expect(INTERNAL_ERROR).toEqual<ErrorAnswer>({
      status: 500,
      body: '{"error":"internal error"}',
      headers: {},
    });
  });
});

describe(unmatchedAnswer.name, () => {
  it('answers an unknown path 404', () => {
    expect(unmatchedAnswer('GET', null)).toEqual({
      status: 404,
      body: '{"error":"not found"}',
      headers: {},
    });
  });

  it('answers a wrong method 405 with Allow, OPTIONS 204 with Allow', () => {
    expect(unmatchedAnswer('PATCH', ['GET', 'HEAD'])).toEqual({
      status: 405,
      body: '{"error":"method not allowed"}',
      headers: { Allow: 'GET, HEAD, OPTIONS' },
    });
    expect(unmatchedAnswer('OPTIONS', ['POST'])).toEqual({
      status: 204,
      body: '',
      headers: { Allow: 'POST, OPTIONS' },
    });
  });
});
