/**
 * Coko's one error hierarchy. Every SDK method either resolves with data or **throws** a
 * `CokoError` subclass (it never returns `{ data, error }`). Branch on `error.code` (stable,
 * machine-readable) or on the class; use `isCokoError()` rather than `instanceof CokoError` when
 * two copies of the SDK may be bundled (the marker field survives duplication).
 *
 * | class                 | code                                       | status    |
 * | --------------------- | ------------------------------------------ | --------- |
 * | `ValidationError`     | `VALIDATION_ERROR`                         | 400       |
 * | `AuthenticationError` | `AUTHENTICATION_ERROR` / `PERMISSION_DENIED` | 401 / 403 |
 * | `NotFoundError`       | `NOT_FOUND`                                | 404       |
 * | `RateLimitError`      | `RATE_LIMITED`                             | 429       |
 * | `NetworkError`        | `NETWORK_ERROR`                            | none      |
 * | `ServerError`         | `SERVER_ERROR` (or the API's code)         | 5xx       |
 * | `CokoError`           | anything else (e.g. `CONFLICT`)            | as sent   |
 */

/** Well-known error codes. The API may send other codes; they are passed through as strings. */
export type CokoErrorCode =
  | 'VALIDATION_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'NETWORK_ERROR'
  | 'SERVER_ERROR'
  | 'CONFLICT'
  | (string & {});

/** Constructor fields shared by every Coko error. */
export interface CokoErrorInit {
  code?: CokoErrorCode;
  status?: number;
  requestId?: string;
  details?: unknown;
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws.
 *
 * @example
 * ```ts
 * import { isCokoError } from '@coko/sdk'
 *
 * try {
 *   await coko.catalog.get(id)
 * } catch (error) {
 *   if (isCokoError(error) && error.code === 'NOT_FOUND') showNotFound()
 *   else throw error
 * }
 * ```
 */
export class CokoError extends Error {
  /** Marker that `isCokoError` checks, so it works across duplicated copies of the SDK. */
  readonly __isCokoError = true as const;
  /** Stable machine-readable code, e.g. `VALIDATION_ERROR`. */
  readonly code: CokoErrorCode;
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  /** Request id from the API (`error.id`) or the `x-request-id` / `sb-request-id` header. */
  readonly requestId: string | undefined;
  /** Extra information: the invalid field for validation errors, PostgREST's code/hint, … */
  readonly details: unknown;

  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CokoError';
    this.code = init.code ?? 'UNKNOWN_ERROR';
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details;
  }

  /** Plain-object form (for logs and for crossing worker/server boundaries). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      details: this.details,
    };
  }
}

/** Details of a `ValidationError` raised by the SDK before sending a request. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `limit` or `filters.minPrice`. */
  field: string;
  message: string;
}

/** The input was rejected (by the SDK before sending, or by the server). Status 400. */
export class ValidationError extends CokoError {
  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, { code: 'VALIDATION_ERROR', status: 400, ...init });
    this.name = 'ValidationError';
  }
}

/** Missing/invalid credentials (401, `AUTHENTICATION_ERROR`) or not allowed (403, `PERMISSION_DENIED`). */
export class AuthenticationError extends CokoError {
  constructor(message: string, init: CokoErrorInit = {}) {
    const status = init.status ?? 401;
    super(message, {
      ...init,
      status,
      code: init.code ?? (status === 403 ? 'PERMISSION_DENIED' : 'AUTHENTICATION_ERROR'),
    });
    this.name = 'AuthenticationError';
  }
}

/** The resource does not exist or is not visible to the caller. Status 404. */
export class NotFoundError extends CokoError {
  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, { code: 'NOT_FOUND', status: 404, ...init });
    this.name = 'NotFoundError';
  }
}

/** Too many requests. `retryAfter` is in seconds when the server said so. Status 429. */
export class RateLimitError extends CokoError {
  readonly retryAfter: number | undefined;
  constructor(message: string, init: CokoErrorInit & { retryAfter?: number | undefined } = {}) {
    super(message, { code: 'RATE_LIMITED', status: 429, ...init });
    this.name = 'RateLimitError';
    this.retryAfter = init.retryAfter;
  }
}

/** The request never got an HTTP response (offline, DNS, CORS, timeout). No status. */
export class NetworkError extends CokoError {
  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, { code: 'NETWORK_ERROR', ...init, status: undefined });
    this.name = 'NetworkError';
  }
}

/** The server failed (5xx). Quote `requestId` when reporting it. */
export class ServerError extends CokoError {
  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, { code: 'SERVER_ERROR', status: 500, ...init });
    this.name = 'ServerError';
  }
}

/**
 * True for any error thrown by the SDK, even from another copy of the package.
 *
 * @example
 * ```ts
 * if (isCokoError(error)) console.error(error.code, error.requestId)
 * ```
 */
export function isCokoError(error: unknown): error is CokoError {
  return typeof error === 'object' && error !== null && '__isCokoError' in error;
}
