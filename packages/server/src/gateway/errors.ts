import type { Context } from 'hono';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../errors/codes.ts';
import { newRequestId } from './request-id.ts';

/** The request id the gateway uses for a request (set by {@link requestId}; minted when absent). */
export function requestIdOf(c: Context): string {
  return (c.get('requestId') as string | undefined) ?? newRequestId();
}

/**
 * The gateway's error response: Coko's one error format `{ error: { code, message, details?, id } }`,
 * with the status of `code` in the shared vocabulary and the request id in `x-request-id`.
 */
export function gatewayError(
  c: Context,
  code: ErrorCode,
  message: string,
  init: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  return errorResponse(requestIdOf(c), code, message, init);
}

/** {@link gatewayError} outside a Hono context (forwarders), for request `id`. */
export function errorResponse(
  id: string,
  code: ErrorCode,
  message: string,
  init: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...(init.details ? { details: init.details } : {}), id } };
  return Response.json(body, {
    status: ERROR_STATUS[code],
    headers: { 'x-request-id': id, 'cache-control': 'no-store', ...init.headers },
  });
}
