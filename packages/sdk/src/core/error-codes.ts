/**
 * Coko's one error vocabulary, shared by the gateway, the API and the SDK (the server imports this very
 * file): every error response Coko itself produces is `{ error: { code, message, details?, id } }` with a
 * code from {@link ERROR_STATUS}, and the SDK turns PostgREST's own errors into the same codes with
 * {@link codeForPostgrestError}. A contract test sends the same faults through every layer and compares.
 *
 * This file imports nothing: it is data and two pure functions.
 */

/** Every code Coko sends, with the HTTP status it goes with. */
export const ERROR_STATUS = {
  /** The input is invalid (a field, a parameter, a header); `details.issues` names the fields. */
  VALIDATION_ERROR: 400,
  /** The body is not valid JSON. */
  INVALID_JSON: 400,
  /** No credentials, or invalid, expired or revoked ones. */
  AUTHENTICATION_ERROR: 401,
  /** Authenticated, but not allowed to do this. */
  PERMISSION_DENIED: 403,
  /** A publishable key used from an origin its partner did not allow. */
  ORIGIN_NOT_ALLOWED: 403,
  /** The reader has no right to read this book (not free, not bought, no active subscription covering it). */
  NOT_ENTITLED: 403,
  /** The book is not sold in the reader's country. */
  NOT_AVAILABLE_IN_COUNTRY: 403,
  /** The resource does not exist or is not visible to the caller. */
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The request conflicts with the current state (a duplicate, a reference to nothing). */
  CONFLICT: 409,
  /** The reader already has the right to read what they try to buy. */
  ALREADY_OWNED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An `Expect` header other than `100-continue`. */
  EXPECTATION_FAILED: 417,
  /** A `Range` header outside the file. */
  RANGE_NOT_SATISFIABLE: 416,
  /** Well-formed but refused by a business rule (e.g. an idempotency key reused with another body). */
  UNPROCESSABLE: 422,
  /** The payment provider is not configured on this deployment, or does not take this currency. */
  PROVIDER_UNAVAILABLE: 422,
  /** A webhook whose signature, timestamp or token does not verify. */
  INVALID_SIGNATURE: 400,
  /** Too many requests; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  /** The request line or headers are larger than the server reads. */
  HEADERS_TOO_LARGE: 431,
  /** A bug or an unexpected failure; quote `id` when reporting it. */
  INTERNAL_ERROR: 500,
  /** Not available on this deployment. */
  NOT_IMPLEMENTED: 501,
  /** A dependency (the database, PostgREST, a provider) is down or overloaded; retry later. */
  SERVICE_UNAVAILABLE: 503,
  /** The request took too long and was stopped. */
  TIMEOUT: 504,
} as const;

/** A code of Coko's error vocabulary. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Client-side codes the SDK adds for failures that never got a response. */
export type ClientErrorCode = 'NETWORK_ERROR';

/** The one error body of the gateway and the API. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: Record<string, unknown> | undefined;
    /** The request id (also in `x-request-id` and in the server's logs). */
    id: string;
  };
}

/** True when `code` belongs to the vocabulary. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/** The code for a bare HTTP status (when nothing more precise is known). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'AUTHENTICATION_ERROR';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 416:
      return 'RANGE_NOT_SATISFIABLE';
    case 417:
      return 'EXPECTATION_FAILED';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    case 431:
      return 'HEADERS_TOO_LARGE';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 502:
    case 503:
      return 'SERVICE_UNAVAILABLE';
    case 504:
      return 'TIMEOUT';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
  }
}

/**
 * The code for an error PostgREST (or Postgres through it) returned: `{ code, message, details, hint }`
 * with its HTTP status. The API uses the same mapping for SQLSTATEs it meets, so one fault gets one code
 * whichever layer reports it.
 */
export function codeForPostgrestError(sqlstateOrPgrst: string | undefined, status: number): ErrorCode {
  const code = sqlstateOrPgrst ?? '';
  // Coko's own pre-request refusals (deleted account, revoked session, suspended partner).
  if (code === 'COKO401') return 'AUTHENTICATION_ERROR';
  // JWT invalid or expired, anonymous access disabled.
  if (code === 'PGRST301' || code === 'PGRST302' || code === 'PGRST303') return 'AUTHENTICATION_ERROR';
  if (code === '28000' || code === '28P01') return 'AUTHENTICATION_ERROR';
  if (code === '42501') return status === 401 ? 'AUTHENTICATION_ERROR' : 'PERMISSION_DENIED';
  // `.single()` found no row: missing or hidden by RLS.
  if (code === 'PGRST116') return status === 406 ? 'NOT_FOUND' : 'CONFLICT';
  if (code === 'PGRST202' || code === 'PGRST205' || code === '42883' || code === '42P01') return 'NOT_FOUND';
  // PGRST102: a body that is not JSON, as the API's INVALID_JSON.
  if (code === 'PGRST102') return 'INVALID_JSON';
  if (code === 'PGRST100' || code === 'PGRST103') return 'VALIDATION_ERROR';
  // Class 22 (data exception: invalid uuid, text with NUL, bad parameter…) and input constraint violations.
  if (code.startsWith('22') || code === '23502' || code === '23514' || code === '42804') return 'VALIDATION_ERROR';
  if (code === '23505' || code === '23503' || code === '40001' || code === '40P01') return 'CONFLICT';
  if (code === 'P0002') return 'NOT_FOUND';
  if (code === '57014') return 'TIMEOUT';
  // Connection failures, admin shutdown, too many connections, PostgREST's "could not connect".
  if (code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300' || code === 'PGRST000') {
    return 'SERVICE_UNAVAILABLE';
  }
  if (code === 'PGRST001' || code === 'PGRST002') return 'SERVICE_UNAVAILABLE';
  return codeForStatus(status);
}
