import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';

export interface RequestIdOptions {
  /** Header read from the request and written on the response (default `X-Request-Id`). */
  headerName?: string;
  /** Makes an id when the request has none or an invalid one (default `crypto.randomUUID()`). */
  generate?: () => string;
  /** Incoming ids must match this (default: 8–128 of `A-Z a-z 0-9 . _ : -`), else a new id is generated. */
  pattern?: RegExp;
}

const defaults = {
  headerName: 'X-Request-Id',
  generate: () => crypto.randomUUID(),
  pattern: /^[A-Za-z0-9._:-]{8,128}$/,
} satisfies Required<RequestIdOptions>;

/**
 * Gives every request an id: the caller's `X-Request-Id` when well-formed, else a new UUID.
 * Sets `c.var.requestId` and the response header.
 *
 * @example
 * ```ts
 * app.use(requestId())
 * app.get('/', (c) => c.text(c.var.requestId))
 * ```
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<AppEnv> {
  const { headerName, generate, pattern } = { ...defaults, ...options };
  return async function requestId(c, next) {
    const incoming = c.req.header(headerName);
    const id = incoming && pattern.test(incoming) ? incoming : generate();
    c.set('requestId', id);
    await next();
    c.header(headerName, id);
  };
}
