import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { compressResponses } from './compress.js';

/** What the gateway needs to know about the project's keys. */
export interface GatewayKeys {
  publishableKey: string;
  secretKey: string;
  /** Long-lived JWTs the API keys stand for, as Supabase's gateway forwards them. */
  anonJwt: string;
  serviceRoleJwt: string;
  publicJwks: unknown;
}

export interface GatewayOptions {
  postgrestUrl: string;
  keys: GatewayKeys;
  /** The Hono API app (basePath `/api`), or anything with a Web-standard fetch. */
  api: { fetch(request: Request): Response | Promise<Response> };
}

const SUPABASE_CORS = {
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: [
    'apikey', 'authorization', 'content-type', 'prefer', 'range', 'range-unit', 'x-client-info',
    'accept-profile', 'content-profile', 'x-request-id', 'x-coko-sdk', 'accept', 'accept-encoding',
  ],
  exposeHeaders: ['content-range', 'content-location', 'preference-applied', 'range-unit', 'x-request-id'],
  maxAge: 86400,
};

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length'];

/**
 * One origin laid out like a Supabase project: `/rest/v1` → PostgREST (with Supabase's apikey →
 * Authorization mapping), `/functions/v1/api` → the API, `/auth/v1/.well-known/jwks.json`.
 */
export function createGateway(options: GatewayOptions): Hono {
  const { keys } = options;
  const app = new Hono();
  app.use('*', compressResponses());
  // Supabase answers CORS for its REST and Auth endpoints at the gateway, before the key check
  // (browsers send preflights without credentials). The API applies its own per-origin policy.
  app.use('/rest/v1/*', cors(SUPABASE_CORS));
  app.use('/auth/v1/*', cors(SUPABASE_CORS));

  app.get('/auth/v1/.well-known/jwks.json', (c) => c.json(keys.publicJwks));
  app.all('/auth/v1/*', (c) =>
    gatewayError(c.req.raw, 404, 'NOT_FOUND', 'Supabase Auth is not run by the local stack; partner sessions come from the API (/functions/v1/api/v1/sessions).'),
  );

  app.all('/functions/v1/*', (c) => {
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice('/functions/v1'.length);
    return options.api.fetch(new Request(url, c.req.raw));
  });

  app.all('/rest/v1/*', async (c) => {
    const request = c.req.raw;
    const authorization = authorizationFor(request, keys);
    // A string is the header to forward; anything else is the error response. (No instanceof:
    // @hono/node-server swaps the global Response class.)
    if (typeof authorization !== 'string') return authorization;
    const url = new URL(request.url);
    const target = `${options.postgrestUrl}${url.pathname.slice('/rest/v1'.length) || '/'}${url.search}`;
    const headers = new Headers(request.headers);
    for (const name of [...HOP_BY_HOP, 'apikey', 'accept-encoding']) headers.delete(name);
    headers.set('authorization', authorization);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // @ts-expect-error Node's fetch needs duplex for streamed request bodies
      duplex: hasBody ? 'half' : undefined,
      redirect: 'manual',
    });
    const responseHeaders = new Headers(upstream.headers);
    for (const name of [...HOP_BY_HOP, 'content-encoding']) responseHeaders.delete(name);
    return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
  });

  app.get('/', (c) => c.json({ name: 'coko', rest: '/rest/v1', functions: '/functions/v1/api' }));
  return app;
}

/**
 * Supabase's gateway rule: a user JWT in Authorization passes through; otherwise the API key (from
 * `apikey` or `Authorization: Bearer sb_…`) is swapped for the JWT it stands for. Secret keys are
 * refused from browsers (requests carrying an Origin), as on Supabase.
 */
function authorizationFor(request: Request, keys: GatewayKeys): string | Response {
  const authorization = request.headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const apikey = request.headers.get('apikey') ?? (bearer?.startsWith('sb_') ? bearer : null);
  if (!apikey) return gatewayError(request, 401, 'AUTHENTICATION_ERROR', 'No API key found in request (send the publishable key in the apikey header).');
  const isPublishable = apikey === keys.publishableKey;
  const isSecret = !isPublishable && apikey === keys.secretKey;
  if (!isPublishable && !isSecret) return gatewayError(request, 401, 'AUTHENTICATION_ERROR', 'Invalid API key.');
  if (isSecret && request.headers.has('origin')) {
    return gatewayError(request, 401, 'AUTHENTICATION_ERROR', 'Secret API keys cannot be used from a browser.');
  }
  if (bearer && !bearer.startsWith('sb_')) return `Bearer ${bearer}`;
  return `Bearer ${isSecret ? keys.serviceRoleJwt : keys.anonJwt}`;
}

function gatewayError(request: Request, status: number, code: string, message: string): Response {
  const id = request.headers.get('x-request-id') ?? crypto.randomUUID();
  return Response.json({ error: { code, message, id } }, { status, headers: { 'x-request-id': id } });
}
