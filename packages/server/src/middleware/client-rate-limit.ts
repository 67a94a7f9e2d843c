import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app/env.ts';
import { clientIpOf, generalHit, type TokenSubject, userTokenOf } from '../limits/client.ts';
import type { RateLimitPolicies } from '../limits/policies.ts';
import type { RateLimitStore } from '../limits/store.ts';
import { rateLimitedError, setRateLimitHeaders } from './rate-limit.ts';

export interface ClientRateLimitOptions {
  policies: Pick<RateLimitPolicies, 'authenticated' | 'anonymous'>;
  /** Shared by every API process and the gateway (see limits/store.ts). */
  store: RateLimitStore;
  /** Who a bearer token names (see `createTokenIdentifier`); invalid tokens count as anonymous. */
  identify: (token: string) => Promise<TokenSubject | undefined>;
  /** Requests not counted (default: none). */
  skip?: (path: string) => boolean;
  now?: () => number;
}

/**
 * The general budget of the API: 1000 requests/hour per signed-in user, 100/hour per client IP without a user
 * token (the seed's limits; partners' overrides apply to their users). The buckets are the gateway's own, so a
 * reader has one budget across `/rest/v1` (counted by the gateway) and the API (counted here; the gateway does
 * not count `/functions/v1`). Partner backends calling with their secret key (`Bearer sk_…`) are governed by
 * their per-partner limits instead.
 *
 * @example
 * ```ts
 * root.use('/api/v1/*', clientRateLimit({ policies: DEFAULT_RATE_LIMITS, store, identify }))
 * ```
 */
export function clientRateLimit(options: ClientRateLimitOptions): MiddlewareHandler<AppEnv> {
  const { policies, store, identify, skip } = options;
  const now = options.now ?? Date.now;
  return async function clientRateLimit(c, next) {
    if (c.req.method === 'OPTIONS' || skip?.(c.req.path)) return next();
    const headers = c.req.raw.headers;
    if (/^Bearer\s+sk_/i.test(headers.get('authorization') ?? '')) return next();
    const token = userTokenOf(headers);
    const user = token ? await identify(token) : undefined;
    const hit = generalHit(policies, { user, ip: clientIpOf(headers) });
    const at = now();
    const decision = await store.take(hit, at);
    if (!decision.allowed) {
      throw rateLimitedError(decision, at, hit.windowMs, 'Too many requests; retry after the Retry-After delay');
    }
    await next();
    setRateLimitHeaders(c, decision);
  };
}
