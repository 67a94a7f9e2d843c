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
        // No `Connection: close`: closing with unread bytes resets the connection, and the client may
        // lose the 413 before reading it. @hono/node-server discards what is still coming (at most
        // 64 MB, 500 ms) and then closes.
      }),
  });
}
