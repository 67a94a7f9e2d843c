import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { dataApiPaths, dataApiSecuritySchemes, dataApiTag } from './data-api-docs.ts';

export interface DocsRoutesOptions {
  version: string;
  /** Public origin of the project; the API is served at `{publicUrl}/functions/v1/api`. */
  publicUrl?: string | undefined;
}

/** Scalar's API reference, loaded from jsDelivr; pinned major version. */
const SCALAR_SRC = 'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1';

// The spec URL is relative so the page works behind any prefix (/api/reference, /functions/v1/api/reference).
const referencePage = (title: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    <noscript>The API reference needs JavaScript. The raw document is at <a href="./openapi.json">openapi.json</a>.</noscript>
    <script id="api-reference" data-url="./openapi.json"></script>
    <script src="${SCALAR_SRC}"></script>
  </body>
</html>
`;

const REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self' https://cdn.jsdelivr.net",
  "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com",
  "font-src 'self' data: https://cdn.jsdelivr.net https://fonts.scalar.com",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const referenceRoute = createRoute({
  method: 'get',
  path: '/reference',
  tags: ['System'],
  summary: 'Browsable API reference (Scalar)',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
});

/** `GET /openapi.json` (OpenAPI 3.1: the route definitions and the data API) and `GET /reference` (Scalar page). */
export function registerDocsRoutes(app: RoutesApp, options: DocsRoutesOptions): void {
  const config = {
    openapi: '3.1.0',
    info: {
      title: 'Coko API',
      version: options.version,
      description:
        'Server endpoints of Coko (sessions, payments, uploads…) and the data API calls partners make through `@coko/sdk`. Server errors share one body: `{ "error": { "code", "message", "details", "id" } }`.',
    },
    ...(options.publicUrl
      ? { servers: [{ url: `${options.publicUrl}/functions/v1`, description: 'This project' }] }
      : {}),
    tags: [{ name: 'System', description: 'Health, readiness, metrics and documentation' }, dataApiTag],
  };
  // Generated from the route definitions, plus the PostgREST calls of the SDK (served from the
  // project's origin, not from /functions/v1).
  const dataApiServers = options.publicUrl ? [{ url: options.publicUrl, description: 'This project' }] : undefined;
  app.get('/openapi.json', (c) => {
    const document = app.getOpenAPI31Document(config);
    const dataPaths = Object.fromEntries(
      Object.entries(dataApiPaths).map(([path, item]) => [
        path,
        dataApiServers ? { servers: dataApiServers, ...item } : item,
      ]),
    );
    return c.json({
      ...document,
      paths: { ...document.paths, ...dataPaths },
      components: {
        ...document.components,
        securitySchemes: { ...document.components?.securitySchemes, ...dataApiSecuritySchemes },
      },
    });
  });

  app.openapi(referenceRoute, (c) =>
    c.html(referencePage('Coko API reference'), 200, { 'Content-Security-Policy': REFERENCE_CSP }),
  );
}
