import type { MiddlewareHandler } from 'hono';
import { limitRequestBody } from '../http/limit-body.ts';
import { gatewayError } from './errors.ts';

/** Default largest request body forwarded to the data API: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** `/rest/v1` bodies over `maxBytes` get 413 `PAYLOAD_TOO_LARGE` in the error format (see limitRequestBody). */
export function limitBody(maxBytes: number = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  return limitRequestBody(maxBytes, (c) =>
    gatewayError(c, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`, {
      details: { limit: maxBytes },
    }),
  );
}
