// Loaded on the first error response (see transport.ts): pages that never fail never download it.
import { codeForPostgrestError, codeForStatus, ERROR_STATUS, isErrorCode } from './error-codes';
import {
  AuthenticationError,
  CokoError,
  type CokoErrorCode,
  type CokoErrorInit,
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './errors';
import { retryAfterSeconds } from './retry';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Request id from the headers Coko's gateway, the API or Supabase set. */
export function requestIdFrom(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('sb-request-id') ?? undefined;
}

/**
 * The class that goes with a code of the vocabulary, chosen by the code's status family, so a code added
 * to the vocabulary (`NOT_ENTITLED` 403, `ALREADY_OWNED` 409…) gets its family's class without a change here.
 */
export function errorForCode(code: CokoErrorCode, message: string, init: CokoErrorInit, headers?: Headers): CokoError {
  const full = { ...init, code };
  if (code === 'NETWORK_ERROR') return new NetworkError(message, full);
  if (code === 'RATE_LIMITED') {
    return new RateLimitError(message, { ...full, retryAfter: headers && retryAfterSeconds(headers) });
  }
  const status = ERROR_STATUS[code];
  const Kind =
    status === 401
      ? AuthenticationError
      : status === 403
        ? PermissionDeniedError
        : status === 404
          ? NotFoundError
          : status === 409
            ? ConflictError
            : status >= 500
              ? ServerError
              : status === 405
                ? CokoError
                : ValidationError;
  return new Kind(message, full);
}

/**
 * Turns an HTTP error response into a `CokoError` subclass: Coko's own body
 * (`{ error: { code, message, details, id } }`, from the gateway and the API) by its code,
 * PostgREST's (`{ code, message, details, hint }`) through `codeForPostgrestError`, anything else
 * by its status. `body` is the raw response text (it may be empty or not JSON).
 */
export function errorFromResponse(status: number, body: string, headers: Headers): CokoError {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {}
  const requestId = requestIdFrom(headers);
  const fallback = `Request failed with status ${status}`;

  if (isObject(parsed) && isObject(parsed.error)) {
    const { code, message, details, id } = parsed.error;
    return errorForCode(
      isErrorCode(code) ? code : codeForStatus(status),
      typeof message === 'string' ? message : fallback,
      { status, requestId: typeof id === 'string' ? id : requestId, details },
      headers,
    );
  }
  if (isObject(parsed) && ('code' in parsed || 'message' in parsed)) {
    const pgCode = typeof parsed.code === 'string' ? parsed.code : '';
    const init = {
      status,
      requestId,
      details: { postgrestCode: pgCode, details: parsed.details ?? null, hint: parsed.hint ?? null } as Record<
        string,
        unknown
      >,
    };
    let code = codeForPostgrestError(pgCode, status);
    let message = String(parsed.message ?? fallback);
    // `.single()` found no row (missing or hidden by RLS: a 404 to the caller) or several (a conflict).
    if (pgCode === 'PGRST116' && /\b0 rows\b/.test(String(parsed.details))) {
      code = 'NOT_FOUND';
      init.status = 404;
      message = 'Not found';
    } else if (pgCode === 'PGRST116') code = 'CONFLICT';
    // Page past the end of a `.range()` request; `Content-Range: */<total>` still has the count.
    if (pgCode === 'PGRST103') {
      const total = Number(headers.get('content-range')?.split('/')[1]);
      init.details.total = Number.isFinite(total) ? total : undefined;
    }
    return errorForCode(code, message, init, headers);
  }
  return errorForCode(codeForStatus(status), body.trim().slice(0, 200) || fallback, { status, requestId }, headers);
}
