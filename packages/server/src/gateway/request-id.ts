import type { MiddlewareHandler } from 'hono';

/** A request id a client may choose: up to 128 characters of `[A-Za-z0-9._:-]`. */
export const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id: the client's `x-request-id` when sane, else a fresh UUID. */
    requestId: string;
  }
}

/**
 * Gives every request an id: the client's `x-request-id` when it is sane ({@link SANE_REQUEST_ID}),
 * else a fresh UUID (an unvalidated id would let a client inject text into logs and responses). The id
 * is forwarded upstream and echoed in the response's `x-request-id`.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const offered = c.req.header('x-request-id');
    const id = offered && SANE_REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    if (c.res.headers.get('x-request-id') !== id) {
      // Responses from upstream may carry their own (or the client's raw) id: ours wins.
      const headers = new Headers(c.res.headers);
      headers.set('x-request-id', id);
      c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
    }
  };
}
