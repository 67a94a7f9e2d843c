import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import { timingSafeEqual } from '../identity/api-keys.ts';
import type { BusinessMetrics } from '../observability/business-metrics.ts';
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../observability/metrics.ts';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['System'],
  summary: 'Prometheus metrics (text exposition format 0.0.4)',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
    401: { description: 'Missing or wrong metrics token' },
    403: { description: 'Closed: production without METRICS_TOKEN' },
  },
});

const encoder = new TextEncoder();

/**
 * `GET /metrics`: request counts, errors, a duration histogram by route and status, uptime, and the
 * business series read from the database (`business`, cached ≤ 15 s per process). With a
 * `token`, scrapers must send it as a bearer token; without one it is open outside production and
 * closed in production (metrics reveal traffic and routes).
 */
export function registerMetricsRoutes(
  app: RoutesApp,
  options: {
    metrics: MetricsRegistry;
    business?: BusinessMetrics | undefined;
    token?: string | undefined;
    production?: boolean;
  },
): void {
  app.openapi(metricsRoute, async (c) => {
    if (options.token) {
      const presented = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
      if (!timingSafeEqual(encoder.encode(presented), encoder.encode(options.token))) {
        throw new ApiError(401, 'AUTHENTICATION_ERROR', 'A valid metrics token is required.', {
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      }
    } else if (options.production) {
      throw new ApiError(403, 'PERMISSION_DENIED', 'Metrics are closed in production until METRICS_TOKEN is set.');
    }
    const business = options.business ? await options.business.render() : '';
    return c.text(options.metrics.render() + business, 200, {
      'Content-Type': PROMETHEUS_CONTENT_TYPE,
      'Cache-Control': 'no-store',
    });
  });
}
