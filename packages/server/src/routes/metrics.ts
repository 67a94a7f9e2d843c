import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../observability/metrics.ts';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['System'],
  summary: 'Prometheus metrics (text exposition format 0.0.4)',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
  },
});

/** `GET /metrics`: request counts, errors, a duration histogram by route and status, uptime. */
export function registerMetricsRoutes(app: RoutesApp, options: { metrics: MetricsRegistry }): void {
  app.openapi(metricsRoute, (c) =>
    c.text(options.metrics.render(), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' }),
  );
}
