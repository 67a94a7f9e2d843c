import type { MiddlewareHandler } from 'hono';
import { gatewayError } from './errors.ts';

/**
 * `GET /rest/v1/` is PostgREST's OpenAPI description of the whole exposed schema: only the secret key
 * (service role) gets it. Anonymous callers and partners get 404, as for any unknown path. (The
 * local stack also sets PostgREST's `openapi-server-proxy-uri`, so the document names the public URL,
 * never PostgREST's internal address.) Runs after {@link checkApiKey}.
 */
export function restrictSchemaRoot(): MiddlewareHandler {
  return async (c, next) => {
    const path = new URL(c.req.url).pathname.replace(/\/+$/, '');
    if (path !== '/rest/v1' || c.get('access')?.kind === 'service') return next();
    return gatewayError(c, 'NOT_FOUND', 'Not found. The schema description needs the secret key.');
  };
}
