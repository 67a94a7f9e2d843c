import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { limitRequestBody } from '../http/limit-body.ts';

export interface BodyLimitOptions {
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBytes?: number;
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
  const { maxBytes } = { ...defaults, ...options };
  return limitRequestBody(maxBytes, () => {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`, {
      details: { limitBytes: maxBytes },
    });
  });
}
