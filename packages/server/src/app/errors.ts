import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/errors.ts';
import type { CaptureException } from '../observability/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { AppEnv } from './env.ts';

/** Error codes every client (the SDK included) can switch on. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_ERROR'
  | 'INVALID_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'TIMEOUT'
  | (string & {});

/** The single error body of the API: `{ error: { code, message, details?, id } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; id: string };
}

export interface ApiErrorOptions {
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An expected error with a status, a stable code and optional details; thrown anywhere, shaped by `onError`.
 *
 * @example
 * ```ts
 * throw new ApiError(409, 'CONFLICT', 'This book is already in your library', { details: { bookId } })
 * ```
 */
export class ApiError extends HTTPException {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(status, { message, cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** True for an {@link ApiError}, even across duplicated copies of this module. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof Error && error.name === 'ApiError' && typeof (error as ApiError).code === 'string';
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
  504: 'TIMEOUT',
};

export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/** Field paths and messages of a zod error, e.g. `{ issues: [{ path: 'email', code, message }] }`. */
export function validationDetails(error: ZodError, target?: string): Record<string, unknown> {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  return target ? { target, issues } : { issues };
}

/** True for a zod error, even when another copy of zod produced it. */
export function isZodError(error: unknown): error is ZodError {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as ZodError).issues);
}

/** The request id of `c`, or a fresh one when the requestId middleware did not run. */
export function requestIdOf(c: Context): string {
  const id = (c as Context<AppEnv>).get('requestId');
  return typeof id === 'string' && id ? id : crypto.randomUUID();
}

/** Builds an error response in the API's one format. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  options: { details?: Record<string, unknown> | undefined; headers?: Record<string, string> | undefined } = {},
): Response {
  const body: ErrorBody = { error: { code, message, id: requestIdOf(c) } };
  if (options.details) body.error.details = options.details;
  return c.json(body, status, options.headers);
}

/** Thrown by the validation hook; carries where the invalid input was (json, query, param, header…). */
export class ValidationError extends ApiError {
  constructor(error: ZodError, target?: string) {
    super(400, 'VALIDATION_ERROR', 'The request is invalid', { details: validationDetails(error, target) });
  }
}

/**
 * `defaultHook` for `OpenAPIHono`: route validation failures become 400 VALIDATION_ERROR in the one format.
 */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }): void {
  if (result.success) return;
  if (isZodError(result.error)) throw new ValidationError(result.error, result.target);
  throw new ApiError(400, 'VALIDATION_ERROR', 'The request is invalid');
}

export interface ErrorHandlerOptions {
  logger: Logger;
  captureException?: CaptureException | undefined;
}

function headersOf(res: Response | undefined): Record<string, string> | undefined {
  if (!res) return undefined;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    if (key !== 'content-type' && key !== 'content-length') headers[key] = value;
  });
  return headers;
}

/**
 * `app.onError`: every thrown error becomes `{ error: { code, message, details?, id } }`.
 * Expected errors (ApiError, HTTPException, zod) keep their status; anything else is a 500 INTERNAL_ERROR
 * whose id (the request id) is logged with the stack and sent to `captureException`. No stack or SQL reaches the client.
 */
export function createErrorHandler(options: ErrorHandlerOptions): ErrorHandler<AppEnv> {
  const { logger, captureException } = options;
  return (error, c) => {
    const id = requestIdOf(c);
    if (isApiError(error)) {
      if (error.status >= 500) report(error, error.status);
      return errorResponse(c, error.status, error.code, error.message, {
        details: error.details,
        headers: error.headers,
      });
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status >= 500) report(error, status);
      if (status === 400 && /malformed json/i.test(error.message)) {
        return errorResponse(c, 400, 'INVALID_JSON', 'The request body is not valid JSON');
      }
      const message = error.message || (error.res ? error.res.statusText : '') || 'Request failed';
      return errorResponse(c, status, codeForStatus(status), message, { headers: headersOf(error.res) });
    }
    if (isZodError(error)) {
      return errorResponse(c, 400, 'VALIDATION_ERROR', 'The request is invalid', { details: validationDetails(error) });
    }
    // The database is down or going away (socket errors, pool connect timeout, SQLSTATE 08xxx,
    // 57P01-57P03, 53300): a retryable 503, not a bug.
    if (isDatabaseUnavailable(error)) {
      report(error, 503);
      return errorResponse(c, 503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
        headers: { 'Retry-After': '5' },
      });
    }
    report(error, 500);
    return errorResponse(c, 500, 'INTERNAL_ERROR', 'An unexpected error occurred', { details: undefined });

    function report(err: unknown, status: number) {
      const fields = { requestId: id, errorId: id, method: c.req.method, path: c.req.path, status };
      logger.error('request failed', { ...fields, err });
      try {
        captureException?.(err, fields);
      } catch (captureError) {
        logger.warn('captureException failed', { requestId: id, err: captureError });
      }
    }
  };
}

/** `app.notFound`: 404 NOT_FOUND in the one format. */
export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
