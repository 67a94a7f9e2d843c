import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from '../app/env.ts';

export interface CorsOptions {
  /** Allowed origins (exact `scheme://host[:port]`), or `['*']` for any. Empty: no cross-origin access. */
  origins: readonly string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  /** Preflight cache in seconds (default 600). */
  maxAge?: number;
}

const defaults = {
  // What supabase-js, postgrest-js and ky send to an edge function.
  allowHeaders: [
    'Authorization',
    'apikey',
    'Content-Type',
    'X-Client-Info',
    'X-Request-Id',
    'Idempotency-Key',
    'Prefer',
    // The SDK's `country` option, sent on every Coko request.
    'X-Coko-Country',
    // A web reader resumes a book download (signed file URLs) and revalidates what it cached.
    'Range',
    'If-Range',
    'If-None-Match',
  ],
  exposeHeaders: [
    'X-Request-Id',
    'Retry-After',
    'X-RateLimit-Limit',
    'X-RateLimit-Remaining',
    'X-RateLimit-Reset',
    'Content-Range',
    'Accept-Ranges',
    'Content-Length',
    'ETag',
  ],
  maxAge: 600,
};

/**
 * CORS for the configured partner origins (`CORS_ORIGINS`), via `hono/cors`. Credentials are not allowed:
 * the API authenticates with bearer tokens, not cookies.
 *
 * @example
 * ```ts
 * app.use(cors({ origins: ['https://reader.example.com'] }))
 * ```
 */
export function cors(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const { origins, allowHeaders, exposeHeaders, maxAge } = { ...defaults, ...options };
  const allowed = new Set(origins);
  return honoCors({
    origin: allowed.has('*') ? '*' : (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders,
    exposeHeaders,
    maxAge,
    credentials: false,
  });
}
