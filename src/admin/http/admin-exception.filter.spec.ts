import type { ArgumentsHost } from '@nestjs/common';
import type { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { AdminError } from '../admin-error';
import { AdminExceptionFilter } from './admin-exception.filter';
import { sendErrorAnswer } from './error-reply';

/** What the filter did to the response, through the adapter's methods. */
interface Sent {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
  ended: boolean;
}

/** An adapter that records the calls the filter makes (the filter uses only these). */
function recordingAdapter(headersSent = false): { adapter: AbstractHttpAdapter; sent: Sent } {
  const sent: Sent = { headers: {}, ended: false };
  const adapter = {
    isHeadersSent: () => headersSent,
    end: () => {
      sent.ended = true;
    },
    setHeader: (_response: unknown, name: string, value: string) => {
      sent.headers[name] = value;
    },
    reply: (_response: unknown, body: unknown, status: number) => {
      sent.status = status;
      sent.body = body;
    },
  } as unknown as AbstractHttpAdapter;
  return { adapter, sent };
}

function hostFor(method: string, url: string): ArgumentsHost {
  const request = { method, url, headers: {} };
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ArgumentsHost;
}

describe(AdminExceptionFilter.name, () => {
  let errors: jest.SpyInstance;

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    errors.mockRestore();
  });

  function filtered(exception: unknown): Sent {
    const { adapter, sent } = recordingAdapter();
    const filter = new AdminExceptionFilter({ httpAdapter: adapter } as HttpAdapterHost);
    filter.catch(exception, hostFor('PUT', '/admin/api/v1/domains/x?secret=1'));
    return sent;
  }

  it('answers an AdminError as JSON with its headers', () => {
    const sent = filtered(
      new AdminError(429, 'too many failed authentications', { headers: { 'Retry-After': '12' } }),
    );
    expect(sent).toEqual({
      status: 429,
      body: '{"error":"too many failed authentications"}',
      headers: { 'Retry-After': '12', 'Content-Type': 'application/json; charset=utf-8' },
      ended: false,
    });
    expect(errors).not.toHaveBeenCalled();
  });

  it('answers a refused document 400 with its problems', () => {
    const sent = filtered(new DomainError('INVALID_SEED', 'servers: must be an array'));
    expect(sent.status).toBe(400);
    expect(JSON.parse(String(sent.body))).toEqual({
      error: 'servers: must be an array',
      field: 'servers',
      problems: [{ field: 'servers', error: 'must be an array' }],
    });
  });

  it('answers anything unexpected 500 without details, logged once with the path only', () => {
    const sent = filtered(new Error('SELECT * FROM domain failed: password=hunter2'));
    expect(sent.status).toBe(500);
    expect(sent.body).toBe('{"error":"internal error"}');
    expect(sent.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(errors).toHaveBeenCalledTimes(1);
    const line = String(errors.mock.calls[0]?.[0]);
    expect(line).toContain('PUT /admin/api/v1/domains/x:');
    expect(line).not.toContain('secret=1');
  });
});

describe(sendErrorAnswer.name, () => {
  it('sends 204 without a body or Content-Type', () => {
    const { adapter, sent } = recordingAdapter();
    sendErrorAnswer(adapter, {}, { status: 204, body: '', headers: { Allow: 'GET, OPTIONS' } });
    expect(sent).toEqual({
      status: 204,
      body: undefined,
      headers: { Allow: 'GET, OPTIONS' },
      ended: false,
    });
  });

  it('only ends a response whose headers are out already', () => {
    const { adapter, sent } = recordingAdapter(true);
    sendErrorAnswer(adapter, {}, { status: 500, body: '{}', headers: {} });
    expect(sent).toEqual({ headers: {}, ended: true });
  });
});
