import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { gatewayError } from '../gateway/errors.ts';
import { rateLimitHeaders } from '../middleware/rate-limit.ts';
import { clientIpOf, generalHit, type TokenSubject, userTokenOf } from './client.ts';
import type { RateLimitPolicies } from './policies.ts';
import type { RateLimitDecision, RateLimitStore } from './store.ts';

export interface GatewayRateLimitOptions {
  policies: Pick<RateLimitPolicies, 'authenticated' | 'anonymous'>;
  /** Shared with the API (see limits/store.ts): one budget per reader across `/rest/v1` and the API. */
  store: RateLimitStore;
  /** Who a bearer token names, verified (see `createTokenIdentifier`). */
  identify: (token: string) => Promise<TokenSubject | undefined>;
  /** The partner of a `pk_` key used from `origin`, when it is valid (its overrides then apply). */
  partnerOf?: ((apikey: string, origin: string | null) => Promise<string | undefined>) | undefined;
  /** The client's address (default: the socket's remote address on Node, else the request's headers). */
  clientIp?: ((c: Context) => string) | undefined;
  now?: () => number;
}

/**
 * The gateway's rate limit, registered on `/rest/v1/*` and `/functions/v1/*`:
 * - `/rest/v1`: counts the general budget (1000/h per signed-in user, 100/h per IP otherwise) before
 *   PostgREST sees the request; `X-RateLimit-*` on every response, 429 RATE_LIMITED with `Retry-After` over it.
 * - `/functions/v1`: counts nothing (the API counts its own requests, in the same buckets, so an API call is
 *   counted once, and the same limits hold on Supabase where Coko's gateway is absent); it only passes on the
 *   client's address as `X-Real-IP`, overwriting any the client sent.
 *
 * @example
 * ```ts
 * app.use('/rest/v1/*', gatewayRateLimit({ policies: DEFAULT_RATE_LIMITS, store, identify }))
 * ```
 */
export function gatewayRateLimit(options: GatewayRateLimitOptions): MiddlewareHandler {
  const { policies, store, identify, partnerOf } = options;
  const now = options.now ?? Date.now;
  const clientIp = options.clientIp ?? socketIp;
  return async function gatewayRateLimit(c, next) {
    const path = c.req.path;
    const ip = clientIp(c);
    if (path.startsWith('/functions/v1/')) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('x-real-ip', ip);
      c.req.raw = new Request(c.req.raw, { headers });
      return next();
    }
    if (!path.startsWith('/rest/v1/') || c.req.method === 'OPTIONS') return next();
    const request = c.req.raw;
    const token = userTokenOf(request.headers);
    const user = token ? await identify(token) : undefined;
    const apikey = request.headers.get('apikey');
    const partnerId =
      !user && apikey?.startsWith('pk_') && partnerOf
        ? await partnerOf(apikey, request.headers.get('origin')).catch(() => undefined)
        : undefined;
    const hit = generalHit(policies, { user, ip, partnerId });
    const at = now();
    const decision = await store.take(hit, at);
    if (!decision.allowed) return limited(c, decision, at, hit.windowMs);
    await next();
    if (!c.res.headers.has('X-RateLimit-Limit')) {
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.res.headers.set(name, value);
    }
  };
}

function socketIp(c: Context): string {
  try {
    const address = getConnInfo(c).remote.address;
    if (address) return address;
  } catch {
    // Not served by @hono/node-server (in-process requests): fall back to the headers.
  }
  return clientIpOf(c.req.raw.headers);
}

/** Response headers of the limits, for CORS `exposeHeaders`. */
export const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'];

/**
 * `partnerOf` from the gateway's publishable key resolver: a valid `pk_` key's partner (answers up to 5 s
 * old), else undefined (the gateway refuses the request itself after counting it).
 */
export function partnerOfKey(resolver: {
  resolve(key: string, origin: string | null, maxAgeMs: number): Promise<{ partnerId: string } | object>;
}): (apikey: string, origin: string | null) => Promise<string | undefined> {
  return async (apikey, origin) => {
    const answer = await resolver.resolve(apikey, origin, 5_000);
    return 'partnerId' in answer ? answer.partnerId : undefined;
  };
}

function limited(c: Context, decision: RateLimitDecision, now: number, windowMs: number): Response {
  const retryAfter = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  return gatewayError(c, 'RATE_LIMITED', 'Too many requests; retry after the Retry-After delay', {
    details: { limit: decision.limit, windowSeconds: Math.round(windowMs / 1000), retryAfterSeconds: retryAfter },
    headers: { ...rateLimitHeaders(decision), 'Retry-After': String(retryAfter) },
  });
}
