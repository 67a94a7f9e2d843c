import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { limitRequestBody } from '../http/limit-body.ts';

export interface BodyLimitOptions {
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Routes allowed larger bodies (book upload chunks), by method and path; they enforce their own limit. */
  exceptions?: readonly { method: string; path: RegExp; maxBytes: number }[];
}

const defaults = { maxBytes: 1024 * 1024 };

/**
 * Refuses bodies over `maxBytes` with 413 PAYLOAD_TOO_LARGE, by Content-Length or while streaming, after
 * draining what the client is still sending so it reads the 413 (see limitRequestBody).
 *
 * @example
 * ```ts
 * app.use(bodyLimit({ maxBytes: 64 * 1024 }))
 * ```
 */
export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const { maxBytes, exceptions = [] } = { ...defaults, ...options };
  const limit = (bytes: number) =>
    limitRequestBody(bytes, () => {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${bytes} bytes`, {
        details: { limitBytes: bytes },
      });
    });
  const general = limit(maxBytes);
  const special = exceptions.map((exception) => ({ ...exception, handler: limit(exception.maxBytes) }));
  return (c, next) => {
    const exception = special.find((e) => e.method === c.req.method && e.path.test(c.req.path));
    return (exception?.handler ?? general)(c, next);
  };
}
