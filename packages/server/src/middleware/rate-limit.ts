import type { Context, Env, MiddlewareHandler } from 'hono';
import { ApiError } from '../app/errors.ts';
import type { SlotStore } from '../limits/slots.ts';
import { MemoryRateLimitStore, type RateLimitDecision, type RateLimitStore } from '../limits/store.ts';
import type { Logger } from '../observability/logger.ts';

export { MemoryRateLimitStore, type RateLimitStore } from '../limits/store.ts';

/** `X-RateLimit-*` headers of a decision (Reset in Unix seconds). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(Math.max(0, decision.remaining)),
    'X-RateLimit-Reset': String(Math.ceil(decision.resetAt / 1000)),
  };
}

/** The 429 of a refused decision: RATE_LIMITED in the error format, `X-RateLimit-*` and `Retry-After`. */
export function rateLimitedError(
  decision: RateLimitDecision,
  now: number,
  windowMs: number,
  message: string,
): ApiError {
  const retryAfter = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  return new ApiError(429, 'RATE_LIMITED', message, {
    details: { limit: decision.limit, windowSeconds: Math.round(windowMs / 1000), retryAfterSeconds: retryAfter },
    headers: { ...rateLimitHeaders(decision), 'Retry-After': String(retryAfter) },
  });
}

/**
 * Sets the `X-RateLimit-*` headers on the response unless a more specific limit (an inner middleware, which
 * ran first) already did.
 */
export function setRateLimitHeaders(c: Context, decision: RateLimitDecision): void {
  if (c.res.headers.has('X-RateLimit-Limit')) return;
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
}

export interface RateLimitOptions<E extends Env> {
  /** Requests allowed per window and key (a partner's override in `private.partners.rate_limits` wins). */
  limit: number;
  /** Window length in ms (e.g. 60 000). */
  windowMs: number;
  /** Policy name: the key of partners' overrides (default `custom`). */
  policy?: string;
  /** The bucket of a request (partner id, user id, IP…); `undefined` leaves the request ungoverned. */
  key: (c: Context<E>) => string | undefined;
  /** The partner whose override applies to the request, if any. */
  partnerId?: (c: Context<E>) => string | undefined;
  /** Where counts live. Default: a new {@link MemoryRateLimitStore} (one process only; servers pass a shared store). */
  store?: RateLimitStore | undefined;
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
 * app.use('/v1/sessions', partnerAuth({ db }), rateLimit({ limit: 600, windowMs: 60_000, key: (c) => c.var.partner.id, store }))
 * ```
 */
export function rateLimit<E extends Env = Env>(options: RateLimitOptions<E>): MiddlewareHandler<E> {
  const { limit, windowMs, key } = options;
  const policy = options.policy ?? 'custom';
  const store = options.store ?? new MemoryRateLimitStore();
  const now = options.now ?? Date.now;
  const message = options.message ?? 'Too many requests; retry later';
  return async function rateLimit(c, next) {
    const bucket = key(c);
    if (bucket === undefined) return next();
    const at = now();
    const decision = await store.take(
      { bucket: `${policy}:${bucket}`, policy, limit, windowMs, partnerId: options.partnerId?.(c) },
      at,
    );
    if (!decision.allowed) throw rateLimitedError(decision, at, windowMs, message);
    await next();
    setRateLimitHeaders(c, decision);
  };
}

export interface ConcurrencyLimitOptions<E extends Env> {
  /** Policy name, number of slots and how long an unreleased slot lives. */
  policy: { name: string; limit: number; ttlMs: number };
  /** The bucket of a request (e.g. the user id); `undefined` leaves it ungoverned. */
  key: (c: Context<E>) => string | undefined;
  partnerId?: (c: Context<E>) => string | undefined;
  store: SlotStore;
  now?: () => number;
  message?: string;
}

/**
 * At most `policy.limit` requests of one key in progress at once, across every process sharing `store`: a
 * slot is taken before the handler runs and released when it has produced its response; over the limit,
 * 429 RATE_LIMITED with `Retry-After` (a few seconds: slots free up as downloads end).
 *
 * @example
 * ```ts
 * concurrencyLimit({ policy: DEFAULT_RATE_LIMITS.downloadsConcurrent, key: (c) => c.var.user.id, store: slots })
 * ```
 */
export function concurrencyLimit<E extends Env = Env>(options: ConcurrencyLimitOptions<E>): MiddlewareHandler<E> {
  const { policy, key, store } = options;
  const now = options.now ?? Date.now;
  const message = options.message ?? 'Too many downloads in progress; retry when one has finished';
  return async function concurrencyLimit(c, next) {
    const bucket = key(c);
    if (bucket === undefined) return next();
    const at = now();
    // Fails closed: a download needs the database anyway, and unbounded heavy work is what this limit prevents.
    const decision = await store
      .acquire(
        {
          bucket: `${policy.name}:${bucket}`,
          policy: policy.name,
          limit: policy.limit,
          ttlMs: policy.ttlMs,
          partnerId: options.partnerId?.(c),
        },
        at,
      )
      .catch((cause: unknown) => {
        throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'Downloads are unavailable for a moment; retry shortly', {
          cause,
          headers: { 'Retry-After': '5' },
        });
      });
    if (!decision.slot) {
      const untilFree = decision.nextFreeAt === undefined ? 1 : Math.ceil((decision.nextFreeAt - at) / 1000);
      const retryAfter = Math.min(5, Math.max(1, untilFree));
      throw new ApiError(429, 'RATE_LIMITED', message, {
        details: { concurrentLimit: decision.limit, inProgress: decision.held, retryAfterSeconds: retryAfter },
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    try {
      await next();
    } finally {
      await store.release(decision.slot).catch((error: unknown) => {
        (c.var as { logger?: Logger }).logger?.warn('rate limit slot not released (it expires on its own)', {
          err: error,
        });
      });
    }
  };
}
