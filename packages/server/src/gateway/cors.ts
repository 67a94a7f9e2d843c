import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface OpenCorsOptions {
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * CORS for any origin (`*`), as Supabase answers it for REST and Auth: preflights by Hono's cors, other
 * requests get `Access-Control-Allow-Origin` and `-Expose-Headers` on the handler's response. Hono's
 * cors sets them on `c.res` before the handler runs, and the handler's response is then copied to take
 * them — a copy that turns a ready body into a stream on every request.
 */
export function openCors(options: OpenCorsOptions): MiddlewareHandler {
  const preflight = cors({ origin: '*', ...options });
  const exposed = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    c.res.headers.set('access-control-allow-origin', '*');
    c.res.headers.set('access-control-expose-headers', exposed);
  };
}
