import {
  AuthenticationError,
  CokoError,
  type CokoErrorInit,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './errors';

/** PostgREST's error body (`{ code, message, details, hint }`). */
interface PostgrestErrorBody {
  code?: string;
  message?: string;
  details?: unknown;
  hint?: unknown;
}

/** The Coko API's error body (`{ error: { code, message, details, id } }`). */
interface ApiErrorBody {
  error: { code?: string; message?: string; details?: unknown; id?: string };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Request id from the headers Coko's gateway, the API or Supabase set. */
export function requestIdFrom(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('sb-request-id') ?? undefined;
}

/** `Retry-After` in seconds (delta-seconds or HTTP date). */
function retryAfterFrom(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Picks the class from the HTTP status (and keeps the server's code when it has one). */
function byStatus(message: string, init: CokoErrorInit & { status: number }, headers: Headers) {
  const { status } = init;
  if (status === 400 || status === 422) return new ValidationError(message, init);
  if (status === 401 || status === 403) return new AuthenticationError(message, init);
  if (status === 404) return new NotFoundError(message, init);
  if (status === 429) return new RateLimitError(message, { ...init, retryAfter: retryAfterFrom(headers) });
  if (status >= 500) return new ServerError(message, init);
  return new CokoError(message, { code: status === 409 ? 'CONFLICT' : 'HTTP_ERROR', ...init });
}

/** Maps a PostgREST error (HTTP status + `{ code, message, details, hint }`). */
function fromPostgrest(
  status: number,
  body: PostgrestErrorBody,
  requestId: string | undefined,
  headers: Headers,
): CokoError {
  const pgCode = body.code ?? '';
  const message = body.message ?? `Request failed with status ${status}`;
  const init = {
    status,
    requestId,
    details: { postgrestCode: pgCode, details: body.details ?? null, hint: body.hint ?? null },
  };
  // `.single()` found no row (or several): the resource is missing or hidden by RLS.
  if (pgCode === 'PGRST116') {
    const none = typeof body.details === 'string' && /\b0 rows\b/.test(body.details);
    return none
      ? new NotFoundError('Not found', { ...init, status: 404 })
      : new CokoError(message, { ...init, code: 'MULTIPLE_ROWS' });
  }
  // Expired/invalid JWT (PGRST301), anonymous access disabled (PGRST302), missing privileges (42501).
  if (pgCode === 'PGRST301' || pgCode === 'PGRST302') {
    return new AuthenticationError(message, { ...init, status: 401 });
  }
  if (pgCode === '42501') {
    return new AuthenticationError(message, { ...init, code: 'PERMISSION_DENIED', status: status === 401 ? 401 : 403 });
  }
  // Class 22 (data exception: 22P02 invalid uuid, 22023 invalid parameter …) and class 23
  // check/not-null violations are the caller's input, whatever status PostgREST chose.
  if (pgCode.startsWith('22') || pgCode === '23502' || pgCode === '23514') {
    return new ValidationError(message, { ...init, status: 400 });
  }
  if (pgCode === '23505' || pgCode === '23503') {
    return new CokoError(message, { ...init, code: 'CONFLICT', status: 409 });
  }
  // Page past the end of a `.range()` request; `Content-Range: */<total>` still has the count.
  if (pgCode === 'PGRST103') {
    const total = Number(headers.get('content-range')?.split('/')[1]);
    return new ValidationError(message, {
      ...init,
      details: { ...init.details, total: Number.isFinite(total) ? total : undefined },
    });
  }
  if (pgCode === '57014') return new ServerError('The query took too long and was cancelled', init);
  return byStatus(message, init, headers);
}

/**
 * Turns an HTTP error response (from PostgREST or the Coko API) into a `CokoError` subclass.
 * `body` is the raw response text (it may be empty or not JSON).
 */
export function errorFromResponse(status: number, body: string, headers: Headers): CokoError {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const headerRequestId = requestIdFrom(headers);

  if (isObject(parsed) && isObject(parsed.error)) {
    const { code, message, details, id } = (parsed as unknown as ApiErrorBody).error;
    const init: CokoErrorInit & { status: number } = {
      status,
      requestId: id ?? headerRequestId,
      details,
    };
    if (code) init.code = code;
    return byStatus(message ?? `Request failed with status ${status}`, init, headers);
  }
  if (isObject(parsed) && ('code' in parsed || 'message' in parsed)) {
    return fromPostgrest(status, parsed as PostgrestErrorBody, headerRequestId, headers);
  }
  const text = body.trim().slice(0, 200);
  return byStatus(text || `Request failed with status ${status}`, { status, requestId: headerRequestId }, headers);
}

/** Wraps a failure to get any response (fetch rejected, timeout) into a `NetworkError`. */
export function networkError(cause: unknown): NetworkError {
  const timeout = isObject(cause) && cause.name === 'TimeoutError';
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(timeout ? 'The request timed out' : `Network request failed: ${reason}`, {
    cause,
    details: { timeout },
  });
}
