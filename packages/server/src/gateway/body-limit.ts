import type { Context, MiddlewareHandler } from 'hono';
import { limitRequestBody } from '../http/limit-body.ts';
import { gatewayError } from './errors.ts';
import { incomingOf, readIncoming } from './request-body.ts';

/** Default largest request body forwarded to the data API: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * `/rest/v1` bodies read whole before the key check, into `c.get('requestBody')` (what the proxy sends
 * upstream and the search cache keys on); over `maxBytes` is 413 `PAYLOAD_TOO_LARGE` in the error
 * format. On Node straight from node:http's `IncomingMessage` ({@link readIncoming}: no WHATWG
 * `Request` or stream is built for the body); elsewhere (Deno, an edge runtime, `app.fetch` in tests)
 * through the request's web stream with the shared limitRequestBody.
 */
export function limitBody(maxBytes: number = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    gatewayError(c, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`, {
      details: { limit: maxBytes },
    });
  const webLimit = limitRequestBody(maxBytes, tooLarge);
  return async (c, next) => {
    // A GET or HEAD carries no body on to PostgREST (@hono/node-server gives them none either).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const incoming = incomingOf(c);
    if (!incoming) {
      return webLimit(c, async () => {
        const request = c.req.raw;
        if (request.body !== null) c.set('requestBody', new Uint8Array(await request.arrayBuffer()));
        await next();
      });
    }
    const read = await readIncoming(incoming, maxBytes);
    if (read.kind === 'too-large') return tooLarge(c);
    if (read.kind === 'aborted') {
      return gatewayError(c, 'VALIDATION_ERROR', 'The request body ended before it was complete.');
    }
    c.set('requestBody', read.body);
    await next();
  };
}
