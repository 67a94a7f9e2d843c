import type { Context, Env, MiddlewareHandler } from 'hono';
import { ApiError } from '../app/errors.ts';

/** One counter: `count` hits since the window opened; the window closes at `resetAt` (ms). */
export interface RateLimitWindow {
  count: number;
  resetAt: number;
}

/** Where counters live. The default is this process's memory ({@link MemoryRateLimitStore}). */
export interface RateLimitStore {
  /** Counts one hit for `key` and returns its window. */
  hit(key: string, windowMs: number, now: number): RateLimitWindow | Promise<RateLimitWindow>;
}

/**
 * Fixed windows in memory, opened by each key's first hit; expired windows are swept as time passes.
 *
 * Per instance: limits hold exactly for one Node process; on Supabase Edge Functions each isolate counts
 * on its own, so there they are best-effort (a burst spread over isolates can exceed the limit). Put a
 * shared store (Postgres, Redis) behind {@link RateLimitStore} when that matters.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, RateLimitWindow>();
  #nextSweep = 0;

  hit(key: string, windowMs: number, now: number): RateLimitWindow {
    if (now >= this.#nextSweep) {
      for (const [k, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(k);
      this.#nextSweep = now + windowMs;
    }
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { ...window };
  }

  /** Number of live windows (tests, metrics). */
  get size(): number {
    return this.#windows.size;
  }
}

export interface RateLimitOptions<E extends Env> {
  /** Requests allowed per window and key. */
  limit: number;
  /** Window length in ms (e.g. 60 000). */
  windowMs: number;
  /** The bucket of a request (partner id, user id, IP…); `undefined` leaves the request ungoverned. */
  key: (c: Context<E>) => string | undefined;
  /** Default: a new {@link MemoryRateLimitStore} for this middleware. */
  store?: RateLimitStore;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Message of the 429 error. */
  message?: string;
}

/**
 * Limits requests per key and window. Every governed response carries `X-RateLimit-Limit`,
 * `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix time in seconds when the window resets); over the
 * limit, 429 RATE_LIMITED in the error format with `Retry-After` (seconds).
 *
 * @example
 * ```ts
 * app.use('/v1/sessions', partnerAuth({ db }), rateLimit({ limit: 600, windowMs: 60_000, key: (c) => c.var.partner.id }))
 * ```
 */
export function rateLimit<E extends Env = Env>(options: RateLimitOptions<E>): MiddlewareHandler<E> {
  const { limit, windowMs, key } = options;
  const store = options.store ?? new MemoryRateLimitStore();
  const now = options.now ?? Date.now;
  const message = options.message ?? 'Too many requests; retry later';
  return async function rateLimit(c, next) {
    const bucket = key(c);
    if (bucket === undefined) return next();
    const at = now();
    const window = await store.hit(bucket, windowMs, at);
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - window.count)),
      'X-RateLimit-Reset': String(Math.ceil(window.resetAt / 1000)),
    };
    if (window.count > limit) {
      const retryAfter = Math.max(1, Math.ceil((window.resetAt - at) / 1000));
      throw new ApiError(429, 'RATE_LIMITED', message, {
        details: { limit, windowSeconds: Math.round(windowMs / 1000), retryAfterSeconds: retryAfter },
        headers: { ...headers, 'Retry-After': String(retryAfter) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
