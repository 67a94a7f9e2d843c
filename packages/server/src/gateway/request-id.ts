import type { MiddlewareHandler } from 'hono';

/** A request id a client may choose: up to 128 characters of `[A-Za-z0-9._:-]`. */
export const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id: the client's `x-request-id` when sane, else a fresh {@link newRequestId}. */
    requestId: string;
  }
}

/**
 * A fresh request id: 16 random bytes in base64url, 22 characters — 128 bits, more than a UUID v4's 122,
 * in 14 fewer bytes on every answer (`x-request-id`). Nothing stores request ids as `uuid`: they are
 * text in logs, error bodies (`error.id`) and Sentry tags.
 */
export function newRequestId(): string {
  // Random bytes drawn 4 KiB at a time (as crypto.randomUUID does): one getRandomValues per request
  // was ~18 µs of the gateway's CPU on every answer.
  if (poolAt === POOL.byteLength) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  poolAt += 16;
  return POOL.toString('base64url', poolAt - 16, poolAt);
}

const POOL = Buffer.alloc(4096);
let poolAt = POOL.byteLength;

/**
 * Gives every request an id: the client's `x-request-id` when it is sane ({@link SANE_REQUEST_ID}),
 * else a fresh one ({@link newRequestId}) (an unvalidated id would let a client inject text into logs and responses). The id
 * is forwarded upstream and echoed in the response's `x-request-id`.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const offered = c.req.header('x-request-id');
    const id = offered && SANE_REQUEST_ID.test(offered) ? offered : newRequestId();
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
