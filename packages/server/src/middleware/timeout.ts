import type { MiddlewareHandler } from 'hono';
import { timeout as honoTimeout } from 'hono/timeout';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';

export interface TimeoutOptions {
  /** Requests still running after this get 504 TIMEOUT (default 30 000 ms). */
  ms?: number;
}

const defaults = { ms: 30_000 };

/**
 * Answers 504 TIMEOUT when a handler takes longer than `ms` (`hono/timeout`). The handler is not cancelled;
 * database work is bounded separately by the pool's `statement_timeout`.
 *
 * @example
 * ```ts
 * app.use(timeout({ ms: 10_000 }))
 * ```
 */
export function timeout(options: TimeoutOptions = {}): MiddlewareHandler<AppEnv> {
  const { ms } = { ...defaults, ...options };
  return honoTimeout(ms, () => new ApiError(504, 'TIMEOUT', `The request took longer than ${ms} ms`));
}
