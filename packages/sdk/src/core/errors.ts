import type { ClientErrorCode, ErrorCode } from './error-codes';

/**
 * Coko's one error hierarchy. Every SDK method either resolves with data or **throws** a
 * `CokoError` subclass (it never returns `{ data, error }`). `error.code` is a code of Coko's one
 * error vocabulary (`ERROR_STATUS`, shared with the gateway and the API) or `NETWORK_ERROR`; branch
 * on it or on the class. Use `isCokoError()` rather than `instanceof CokoError` when two copies of
 * the SDK may be bundled (the marker field survives duplication).
 *
 * | class                   | codes                                                                      | status |
 * | ----------------------- | -------------------------------------------------------------------------- | ------ |
 * | `ValidationError`       | `VALIDATION_ERROR`, `INVALID_JSON`, `INVALID_SIGNATURE`, `PAYLOAD_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`, `RANGE_NOT_SATISFIABLE`, `EXPECTATION_FAILED`, `UNPROCESSABLE`, `PROVIDER_UNAVAILABLE`, `HEADERS_TOO_LARGE` | 4xx |
 * | `AuthenticationError`   | `AUTHENTICATION_ERROR`                                                     | 401    |
 * | `PermissionDeniedError` | `PERMISSION_DENIED`, `ORIGIN_NOT_ALLOWED`, `NOT_ENTITLED`, `NOT_AVAILABLE_IN_COUNTRY` | 403 |
 * | `NotFoundError`         | `NOT_FOUND`                                                                | 404    |
 * | `ConflictError`         | `CONFLICT`, `ALREADY_OWNED`                                                | 409    |
 * | `RateLimitError`        | `RATE_LIMITED`                                                             | 429    |
 * | `ServerError`           | `INTERNAL_ERROR`, `NOT_IMPLEMENTED`, `SERVICE_UNAVAILABLE`, `TIMEOUT`      | 5xx    |
 * | `NetworkError`          | `NETWORK_ERROR` (no response: offline, DNS, CORS, client timeout)          | none   |
 * | `CokoError`             | anything else (`METHOD_NOT_ALLOWED`)                                       | as sent |
 */
export type CokoErrorCode = ErrorCode | ClientErrorCode;

/** Constructor fields shared by every Coko error. */
export interface CokoErrorInit {
  code?: CokoErrorCode | undefined;
  status?: number | undefined;
  requestId?: string | undefined;
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
  /** Stable machine-readable code from Coko's vocabulary, e.g. `VALIDATION_ERROR`. */
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
    this.code = init.code ?? 'INTERNAL_ERROR';
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

/** A subclass with a default code and status (the server's, when it sent them, win). */
const kind = (name: string, code: CokoErrorCode, status: number | undefined) =>
  class extends CokoError {
    constructor(message: string, init: CokoErrorInit = {}) {
      super(message, { code, status, ...init });
      this.name = name;
    }
  };

/** The input was rejected (by the SDK before sending, or by the server). Status 400 (or 413, 415, 422). */
export class ValidationError extends kind('ValidationError', 'VALIDATION_ERROR', 400) {}

/** Missing, invalid, expired or revoked credentials. Status 401. */
export class AuthenticationError extends kind('AuthenticationError', 'AUTHENTICATION_ERROR', 401) {}

/** Authenticated, but not allowed (`PERMISSION_DENIED`, or `ORIGIN_NOT_ALLOWED` for a key used from a foreign origin). Status 403. */
export class PermissionDeniedError extends kind('PermissionDeniedError', 'PERMISSION_DENIED', 403) {}

/** The resource does not exist or is not visible to the caller. Status 404. */
export class NotFoundError extends kind('NotFoundError', 'NOT_FOUND', 404) {}

/** The request conflicts with the current state (a duplicate, a reference to nothing). Status 409. */
export class ConflictError extends kind('ConflictError', 'CONFLICT', 409) {}

/** The server failed or is unavailable (5xx: `INTERNAL_ERROR`, `SERVICE_UNAVAILABLE`, `TIMEOUT`, `NOT_IMPLEMENTED`). Quote `requestId` when reporting it. */
export class ServerError extends kind('ServerError', 'INTERNAL_ERROR', 500) {}

/** Too many requests. `retryAfter` is in seconds when the server said so. Status 429. */
export class RateLimitError extends kind('RateLimitError', 'RATE_LIMITED', 429) {
  readonly retryAfter: number | undefined;
  constructor(message: string, init: CokoErrorInit & { retryAfter?: number | undefined } = {}) {
    super(message, init);
    this.retryAfter = init.retryAfter;
  }
}

/** The request never got an HTTP response (offline, DNS, CORS, timeout). No status. */
export class NetworkError extends kind('NetworkError', 'NETWORK_ERROR', undefined) {
  constructor(message: string, init: CokoErrorInit = {}) {
    super(message, { ...init, status: undefined });
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

/** Wraps a failure to get any response (fetch rejected, timeout) into a `NetworkError`. */
export function networkError(cause: unknown): NetworkError {
  const timeout = (cause as { name?: unknown } | null)?.name === 'TimeoutError';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(timeout ? 'The request timed out' : `Network request failed: ${reason}`, {
    cause,
    details: { timeout },
  });
}
