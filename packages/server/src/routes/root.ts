import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';

const IndexSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    links: z.record(z.string(), z.string()),
  })
  .openapi('Index');

const indexRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['System'],
  summary: 'Name, version and links of the API',
  responses: { 200: { description: 'About this API', content: { 'application/json': { schema: IndexSchema } } } },
});

/** `GET /`: name, version and links to the system endpoints. */
export function registerRootRoutes(app: RoutesApp, options: { version: string; basePath: string }): void {
  const link = (path: string) => `${options.basePath}${path}`;
  app.openapi(indexRoute, (c) =>
    c.json(
      {
        name: 'coko-api',
        version: options.version,
        links: {
          health: link('/health'),
          ready: link('/ready'),
          metrics: link('/metrics'),
          openapi: link('/openapi.json'),
          reference: link('/reference'),
        },
      },
      200,
    ),
  );
}
