import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from '../app/env.ts';
import { TUS_EXPOSED_HEADERS, TUS_REQUEST_HEADERS } from '../uploads/tus.ts';

export interface CorsOptions {
  /** Allowed origins (exact `scheme://host[:port]`), or `['*']` for any. Empty: no cross-origin access. */
  origins: readonly string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  /** Preflight cache in seconds (default 600). */
  maxAge?: number;
  /**
   * Paths whose plain `OPTIONS` (no `Access-Control-Request-Method`: not a preflight) reach their route
   * instead of the CORS answer: TUS discovery (`OPTIONS /v1/admin/uploads`).
   */
  plainOptionsPaths?: RegExp;
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
    // Resumable book uploads (TUS, routes/admin-uploads.ts).
    ...TUS_REQUEST_HEADERS,
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
    ...TUS_EXPOSED_HEADERS,
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
  const { origins, allowHeaders, exposeHeaders, maxAge, plainOptionsPaths } = { ...defaults, ...options };
  const allowed = new Set(origins);
  const handle = honoCors({
    origin: allowed.has('*') ? '*' : (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders,
    exposeHeaders,
    maxAge,
    credentials: false,
  });
  if (!plainOptionsPaths) return handle;
  return async (c, next) => {
    if (
      c.req.method === 'OPTIONS' &&
      !c.req.header('access-control-request-method') &&
      plainOptionsPaths.test(c.req.path)
    )
      return next();
    return handle(c, next);
  };
}
