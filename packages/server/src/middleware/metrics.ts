import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../app/env.ts';
import type { MetricsRegistry } from '../observability/metrics.ts';

export interface CollectMetricsOptions {
  registry: MetricsRegistry;
  /** Monotonic clock in ms (default `performance.now`). */
  now?: () => number;
  /** Route label for requests that matched no route (default `unmatched`). */
  unmatchedRoute?: string;
}

const defaults = { now: () => performance.now(), unmatchedRoute: 'unmatched' };

/** The route pattern that handled `c` (`/api/books/:id`): the last matched route that is not middleware. */
export function handlerRoute(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== 'ALL') return route.path;
  }
  return undefined;
}

/**
 * Counts requests and errors and records durations by method, route pattern and status.
 *
 * @example
 * ```ts
 * const registry = createMetrics()
 * app.use(collectMetrics({ registry }))
 * ```
 */
export function collectMetrics(options: CollectMetricsOptions): MiddlewareHandler<AppEnv> {
  const { registry, now, unmatchedRoute } = { ...defaults, ...options };
  return async function collectMetrics(c, next) {
    const started = now();
    registry.requestStarted();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const route = c.req.method === 'OPTIONS' ? 'preflight' : (handlerRoute(c) ?? unmatchedRoute);
      registry.requestFinished({ method: c.req.method, route, status, durationMs: now() - started });
    }
  };
}
