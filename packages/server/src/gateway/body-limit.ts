import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { gatewayError } from './errors.ts';

/** Default largest request body forwarded to the data API: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Request bodies over `maxBytes` get 413 `PAYLOAD_TOO_LARGE`: at once when `Content-Length` says so,
 * else while a chunked body streams in (Hono's bodyLimit, which holds at most `maxBytes` in memory).
 */
export function limitBody(maxBytes: number = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      gatewayError(c, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`, {
        details: { limit: maxBytes },
        // The client may still be sending: tell it the connection will not read the rest.
        headers: { connection: 'close' },
      }),
  });
}
