import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface OpenCorsOptions {
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

const READS = new Set(['GET', 'HEAD']);

/**
 * CORS for any origin (`*`), as Supabase answers it for REST and Auth: preflights by Hono's cors, other
 * requests get `Access-Control-Allow-Origin` and `-Expose-Headers` on the handler's response. Hono's
 * cors sets them on `c.res` before the handler runs, and the handler's response is then copied to take
 * them — a copy that turns a ready body into a stream on every request.
 *
 * Writes (POST, PATCH, PUT, DELETE) get them only when the request has an `Origin`: a browser sends it
 * on every cross-origin write, the headers mean nothing to anyone else, and no cache keeps a write's
 * answer — so a native app's progress save is ≈ 225 B lighter. Reads always get them: a CDN may serve
 * one cached answer to browsers and apps alike, and some CDNs ignore `Vary: Origin`.
 */
export function openCors(options: OpenCorsOptions): MiddlewareHandler {
  const preflight = cors({ origin: '*', ...options });
  const exposed = [...new Set(options.exposeHeaders)].join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    if (!READS.has(c.req.method) && !c.req.header('origin')) return;
    c.res.headers.set('access-control-allow-origin', '*');
    c.res.headers.set('access-control-expose-headers', exposed);
  };
}
