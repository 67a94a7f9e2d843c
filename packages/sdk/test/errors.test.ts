import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CokoError,
  ConflictError,
  isCokoError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../src';
import { ERROR_STATUS } from '../src/core/error-codes';
import { networkError } from '../src/core/errors';
import { errorFromResponse } from '../src/core/map-error';

const headers = (init: Record<string, string> = {}) => new Headers(init);
const pg = (code: string, message = 'boom', details: string | null = null) =>
  JSON.stringify({ code, message, details, hint: null });

describe('error classes', () => {
  it('carry code, status and the marker', () => {
    const cases = [
      [new ValidationError('x'), 'VALIDATION_ERROR', 400],
      [new AuthenticationError('x'), 'AUTHENTICATION_ERROR', 401],
      [new PermissionDeniedError('x'), 'PERMISSION_DENIED', 403],
      [new ConflictError('x'), 'CONFLICT', 409],
      [new NotFoundError('x'), 'NOT_FOUND', 404],
      [new RateLimitError('x', { retryAfter: 3 }), 'RATE_LIMITED', 429],
      [new NetworkError('x'), 'NETWORK_ERROR', undefined],
      [new ServerError('x'), 'INTERNAL_ERROR', 500],
    ] as const;
    for (const [error, code, status] of cases) {
      expect(error).toBeInstanceOf(CokoError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(isCokoError(error)).toBe(true);
    }
    expect(new RateLimitError('x', { retryAfter: 3 }).retryAfter).toBe(3);
  });

  it('isCokoError recognises copies from another bundle by the marker, not instanceof', () => {
    const foreign = Object.assign(new Error('x'), { __isCokoError: true, code: 'NOT_FOUND' });
    expect(foreign instanceof CokoError).toBe(false);
    expect(isCokoError(foreign)).toBe(true);
    expect(isCokoError(new Error('x'))).toBe(false);
    expect(isCokoError(null)).toBe(false);
    expect(isCokoError('NOT_FOUND')).toBe(false);
  });

  it('keeps the cause and serialises to JSON', () => {
    const cause = new TypeError('fetch failed');
    const error = new ServerError('down', { requestId: 'req_1', cause });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ServerError');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'INTERNAL_ERROR',
      requestId: 'req_1',
      status: 500,
    });
  });
});

describe('errorFromResponse: PostgREST errors', () => {
  it('PGRST116 with 0 rows (.single()) → NotFoundError 404', () => {
    const error = errorFromResponse(
      406,
      pg('PGRST116', 'JSON object requested, multiple (or no) rows returned', 'The result contains 0 rows'),
      headers(),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
    expect(error.details).toMatchObject({ postgrestCode: 'PGRST116' });
  });

  it('22P02 invalid uuid → ValidationError', () => {
    const error = errorFromResponse(400, pg('22P02', 'invalid input syntax for type uuid: "x"'), headers());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toContain('uuid');
  });

  it('22023 raised by an RPC → ValidationError with the database message', () => {
    const error = errorFromResponse(400, pg('22023', 'page_size must be between 1 and 100'), headers());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('page_size must be between 1 and 100');
  });

  it('JWT errors → AuthenticationError', () => {
    const expired = errorFromResponse(401, pg('PGRST301', 'JWT expired'), headers());
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect(expired.code).toBe('AUTHENTICATION_ERROR');
    expect(expired.status).toBe(401);
  });

  it('42501 insufficient privilege → PERMISSION_DENIED', () => {
    const denied = errorFromResponse(403, pg('42501', 'permission denied for table books'), headers());
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.status).toBe(403);
  });

  it('unique violations → CONFLICT, statement timeout → ServerError', () => {
    expect(errorFromResponse(409, pg('23505', 'duplicate key'), headers()).code).toBe('CONFLICT');
    expect(errorFromResponse(500, pg('57014', 'canceling statement'), headers())).toBeInstanceOf(ServerError);
  });

  it('PGRST103 (page past the end) keeps the total from Content-Range', () => {
    const error = errorFromResponse(
      416,
      pg('PGRST103', 'Requested range not satisfiable'),
      headers({ 'content-range': '*/29' }),
    );
    expect(error.details).toMatchObject({ postgrestCode: 'PGRST103', total: 29 });
  });

  it('reads the request id from x-request-id or sb-request-id', () => {
    expect(errorFromResponse(500, pg('XX000'), headers({ 'x-request-id': 'abc' })).requestId).toBe('abc');
    expect(errorFromResponse(500, pg('XX000'), headers({ 'sb-request-id': 'def' })).requestId).toBe('def');
  });
});

describe('errorFromResponse: Coko API errors', () => {
  const api = (code: string, message = 'nope', extra: Record<string, unknown> = {}) =>
    JSON.stringify({ error: { code, message, ...extra } });

  it('maps status to class and keeps code, details and id', () => {
    const error = errorFromResponse(
      400,
      api('VALIDATION_ERROR', 'Invalid body', { details: { field: 'amount' }, id: 'req_42' }),
      headers({ 'x-request-id': 'header-id' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual({ field: 'amount' });
    expect(error.requestId).toBe('req_42');
  });

  it('401/403/404/429/5xx', () => {
    expect(errorFromResponse(401, api('AUTHENTICATION_ERROR'), headers())).toBeInstanceOf(AuthenticationError);
    const forbidden = errorFromResponse(403, api('PERMISSION_DENIED'), headers());
    expect(forbidden).toBeInstanceOf(PermissionDeniedError);
    expect(forbidden.code).toBe('PERMISSION_DENIED');
    const origin = errorFromResponse(403, api('ORIGIN_NOT_ALLOWED'), headers());
    expect(origin).toMatchObject({ name: 'PermissionDeniedError', code: 'ORIGIN_NOT_ALLOWED' });
    // A code outside the vocabulary (an older server) falls back on the status.
    expect(errorFromResponse(403, api('FORBIDDEN'), headers()).code).toBe('PERMISSION_DENIED');
    expect(errorFromResponse(404, api('NOT_FOUND'), headers())).toBeInstanceOf(NotFoundError);
    const limited = errorFromResponse(429, api('RATE_LIMITED'), headers({ 'retry-after': '12' }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(12);
    const server = errorFromResponse(503, api('INTERNAL_ERROR', 'oops', { id: 'err_1' }), headers());
    expect(server).toBeInstanceOf(ServerError);
    expect(server.code).toBe('INTERNAL_ERROR');
    expect(server.requestId).toBe('err_1');
  });

  it('non-JSON bodies fall back on the status', () => {
    const error = errorFromResponse(502, '<html>Bad gateway</html>', headers());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(502);
    expect(errorFromResponse(418, '', headers()).code).toBe('VALIDATION_ERROR');
    expect(errorFromResponse(405, '', headers())).toMatchObject({ name: 'CokoError', code: 'METHOD_NOT_ALLOWED' });
  });

  it('every code of the vocabulary gets the class of its status family', () => {
    const classes: Record<number, string> = {
      400: 'ValidationError',
      401: 'AuthenticationError',
      403: 'PermissionDeniedError',
      404: 'NotFoundError',
      405: 'CokoError',
      409: 'ConflictError',
      413: 'ValidationError',
      415: 'ValidationError',
      416: 'ValidationError',
      417: 'ValidationError',
      422: 'ValidationError',
      429: 'RateLimitError',
      431: 'ValidationError',
    };
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const error = errorFromResponse(status, api(code), headers());
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.name).toBe(status >= 500 ? 'ServerError' : classes[status]);
    }
  });
});

describe('networkError', () => {
  it('wraps fetch failures and timeouts', () => {
    const error = networkError(new TypeError('Failed to fetch'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.status).toBeUndefined();
    const timeout = networkError(Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }));
    expect(timeout.message).toBe('The request timed out');
    expect(timeout.details).toEqual({ timeout: true });
  });
});
