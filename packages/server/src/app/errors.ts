import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { codeForPostgrestError, codeForStatus, ERROR_STATUS, type ErrorBody, type ErrorCode } from '../errors/codes.ts';
import type { CaptureException } from '../observability/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { AppEnv } from './env.ts';

export type { ErrorBody, ErrorCode } from '../errors/codes.ts';
export { codeForStatus } from '../errors/codes.ts';

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

/** A Postgres error as node-postgres (and Deno's pg through npm) throws it. */
interface PgError extends Error {
  code: string;
  severity?: string;
  constraint?: string;
}

function isPgError(error: unknown): error is PgError {
  return (
    error instanceof Error &&
    typeof (error as PgError).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as PgError).code) &&
    typeof (error as PgError).severity === 'string'
  );
}

const DATABASE_INPUT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_ERROR: 'The request contains a value the database does not accept',
  CONFLICT: 'The request conflicts with existing data',
};

/**
 * The client's share of database errors: SQLSTATE class 22 (data exception: NUL or invalid UTF-8 in text, a
 * value out of range…) and class 23 (integrity: check → 400, unique / foreign key → 409), mapped with the
 * shared `codeForPostgrestError`, so a route never answers 500 for bad text. Other SQLSTATEs are not the
 * client's doing and stay 5xx. `details` names the SQLSTATE and constraint, never the SQL or the value.
 */
export function databaseInputError(
  error: unknown,
): { status: ContentfulStatusCode; code: ErrorCode; message: string; details: Record<string, unknown> } | undefined {
  if (!isPgError(error)) return undefined;
  const sqlstate = error.code;
  if (!sqlstate.startsWith('22') && !sqlstate.startsWith('23')) return undefined;
  const code = codeForPostgrestError(sqlstate, 500);
  const status = ERROR_STATUS[code];
  if (status >= 500) return undefined;
  const details: Record<string, unknown> = { sqlstate };
  if (error.constraint) details.constraint = error.constraint;
  return {
    status: status as ContentfulStatusCode,
    code,
    message: DATABASE_INPUT_MESSAGES[code] ?? 'The request was refused by the database',
    details,
  };
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
    const refused = databaseInputError(error);
    if (refused) {
      // Validation should have caught it first: log it so the route's schema can be tightened.
      logger.warn('database refused the input', { requestId: id, path: c.req.path, ...refused.details });
      return errorResponse(c, refused.status, refused.code, refused.message, { details: refused.details });
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
