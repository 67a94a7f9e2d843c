import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { RATE_LIMIT_HEADERS } from '../limits/gateway.ts';
import { compressResponses } from './compress.ts';

/** What the gateway needs to know about the project's keys. */
export interface GatewayKeys {
  publishableKey: string;
  secretKey: string;
  /** Long-lived JWTs the API keys stand for, as Supabase's gateway forwards them. */
  anonJwt: string;
  serviceRoleJwt: string;
  publicJwks: unknown;
}

/** Why a partner publishable key was refused (status and message of the gateway's error). */
export interface PartnerKeyRefusal {
  status: 401 | 403 | 503;
  code: string;
  message: string;
}

/** Resolves partner publishable keys (`pk_…`) to their partner; see {@link createPartnerKeyResolver}. */
export interface PartnerKeyResolver {
  /**
   * The partner id of `key` used from `origin` (null: no Origin header), or why it is refused. `maxAgeMs`
   * bounds how old a cached positive answer may be.
   */
  resolve(key: string, origin: string | null, maxAgeMs: number): Promise<{ partnerId: string } | PartnerKeyRefusal>;
}

export interface GatewayOptions {
  postgrestUrl: string;
  keys: GatewayKeys;
  /** Accepts partners' publishable keys (`pk_…`) as apikey too, mapped to anon like the project's key. */
  partnerKeys?: PartnerKeyResolver | undefined;
  /** Rate limits of `/rest/v1` (and the client address for `/functions/v1`): see limits/gateway.ts. */
  rateLimit?: MiddlewareHandler | undefined;
  /** The Hono API app (basePath `/api`), or anything with a Web-standard fetch. */
  api: { fetch(request: Request): Response | Promise<Response> };
}

const SUPABASE_CORS = {
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: [
    'apikey',
    'authorization',
    'content-type',
    'prefer',
    'range',
    'range-unit',
    'x-client-info',
    'accept-profile',
    'content-profile',
    'x-request-id',
    'x-coko-sdk',
    'accept',
    'accept-encoding',
  ],
  exposeHeaders: [
    'content-range',
    'content-location',
    'preference-applied',
    'range-unit',
    'x-request-id',
    ...RATE_LIMIT_HEADERS,
  ],
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
  if (options.rateLimit) app.use('*', options.rateLimit);

  app.get('/auth/v1/.well-known/jwks.json', (c) => c.json(keys.publicJwks));
  app.all('/auth/v1/*', (c) =>
    gatewayError(
      c.req.raw,
      404,
      'NOT_FOUND',
      'Supabase Auth is not run by the local stack; partner sessions come from the API (/functions/v1/api/v1/sessions).',
    ),
  );

  app.all('/functions/v1/*', (c) => {
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice('/functions/v1'.length);
    return options.api.fetch(new Request(url, c.req.raw));
  });

  app.all('/rest/v1/*', async (c) => {
    const request = c.req.raw;
    const mapped = await authorizationFor(request, keys, options.partnerKeys);
    // An object with `authorization` is what to forward; anything else is the error response. (No
    // instanceof: @hono/node-server swaps the global Response class.)
    if (!('authorization' in mapped)) return mapped;
    const url = new URL(request.url);
    const target = `${options.postgrestUrl}${url.pathname.slice('/rest/v1'.length) || '/'}${url.search}`;
    const headers = new Headers(request.headers);
    for (const name of [...HOP_BY_HOP, 'apikey', 'accept-encoding']) headers.delete(name);
    headers.set('authorization', mapped.authorization);
    // PostgREST (and so the database's pre-request, in `request.headers`) sees the publishable key
    // that was used, as on Supabase; the project's secret key is never passed on.
    if (mapped.apikey) headers.set('apikey', mapped.apikey);
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
 * refused from browsers (requests carrying an Origin), as on Supabase. Partner publishable keys
 * (`pk_…`) work like the project's publishable key once `partnerKeys` accepts them for the request's
 * Origin.
 */
async function authorizationFor(
  request: Request,
  keys: GatewayKeys,
  partnerKeys: PartnerKeyResolver | undefined,
): Promise<{ authorization: string; apikey?: string } | Response> {
  const authorization = request.headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const bearerIsKey = bearer?.startsWith('sb_') || bearer?.startsWith('pk_') || bearer?.startsWith('sk_');
  const apikey = request.headers.get('apikey') ?? (bearerIsKey ? bearer : null);
  if (!apikey)
    return gatewayError(
      request,
      401,
      'AUTHENTICATION_ERROR',
      'No API key found in request (send the publishable key in the apikey header).',
    );
  const userToken = bearer && !bearerIsKey ? `Bearer ${bearer}` : undefined;
  if (apikey.startsWith('pk_') && partnerKeys) {
    // User tokens are re-checked by the database on every request (partner suspension included), so
    // a positive answer may be reused for 30 s; anonymous requests only for 5 s (see createPartnerKeyResolver).
    const resolved = await partnerKeys.resolve(apikey, request.headers.get('origin'), userToken ? 30_000 : 5_000);
    if (!('partnerId' in resolved)) return gatewayError(request, resolved.status, resolved.code, resolved.message);
    return { authorization: userToken ?? `Bearer ${keys.anonJwt}`, apikey };
  }
  const isPublishable = apikey === keys.publishableKey;
  const isSecret = !isPublishable && apikey === keys.secretKey;
  if (!isPublishable && !isSecret) return gatewayError(request, 401, 'AUTHENTICATION_ERROR', 'Invalid API key.');
  if (isSecret && request.headers.has('origin')) {
    return gatewayError(request, 401, 'AUTHENTICATION_ERROR', 'Secret API keys cannot be used from a browser.');
  }
  if (userToken) return { authorization: userToken, ...(isPublishable ? { apikey } : {}) };
  return {
    authorization: `Bearer ${isSecret ? keys.serviceRoleJwt : keys.anonJwt}`,
    ...(isPublishable ? { apikey } : {}),
  };
}

/** Where the resolver asks the database (a small `pg.Pool` as the non-superuser `postgres` role). */
export interface PartnerKeyDatabase {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PartnerKeyResolverOptions {
  /** Longest a positive answer is kept (default 30 s); each request also bounds it (`maxAgeMs`). */
  positiveTtlMs?: number;
  /** How long a refusal is kept (default 5 s). */
  negativeTtlMs?: number;
  /** Most answers kept (default 10 000; the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

const PUBLISHABLE_KEY = /^pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$/;

/**
 * Checks partner publishable keys with the database function `private.resolve_publishable_key(key,
 * origin)` (hash compare, revoked/expired keys, suspended partners, allowed origins), caching answers
 * per (key, origin) in memory.
 *
 * How fast changes take effect: requests with a user token may reuse a positive answer for up to 30 s,
 * because PostgREST's pre-request (`private.check_request`) refuses a suspended partner's user tokens
 * at once anyway; anonymous requests only reuse answers up to 5 s old, so a revoked key, a suspended
 * partner or a removed origin stops anonymous access within 5 s. Refusals are kept 5 s (a new key or
 * origin works within 5 s). A database failure is 503 and is not cached.
 */
export function createPartnerKeyResolver(
  db: PartnerKeyDatabase,
  options: PartnerKeyResolverOptions = {},
): PartnerKeyResolver {
  const { positiveTtlMs, negativeTtlMs, maxEntries, now } = {
    positiveTtlMs: 30_000,
    negativeTtlMs: 5_000,
    maxEntries: 10_000,
    now: Date.now,
    ...options,
  };
  type Answer = { partnerId: string } | PartnerKeyRefusal;
  const cache = new Map<string, { at: number; answer: Promise<Answer> }>();
  const invalid: PartnerKeyRefusal = { status: 401, code: 'AUTHENTICATION_ERROR', message: 'Invalid API key.' };

  async function ask(key: string, origin: string | null): Promise<Answer> {
    try {
      const { rows } = await db.query('select private.resolve_publishable_key($1, $2) as partner_id', [key, origin]);
      return { partnerId: (rows[0] as { partner_id: string }).partner_id };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '28000') return invalid;
      if (code === '42501') {
        return {
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
          message: 'This origin is not allowed to use this publishable key.',
        };
      }
      throw error;
    }
  }

  return {
    async resolve(key, origin, maxAgeMs) {
      if (!PUBLISHABLE_KEY.test(key)) return invalid;
      const id = `${key}\n${origin ?? ''}`;
      const at = now();
      const cached = cache.get(id);
      if (cached) {
        const answer = await cached.answer.catch(() => undefined);
        const ttl = answer && 'partnerId' in answer ? Math.min(positiveTtlMs, maxAgeMs) : negativeTtlMs;
        if (answer && at - cached.at < ttl) return answer;
        if (cache.get(id) === cached) cache.delete(id);
      }
      const answer = ask(key, origin);
      cache.set(id, { at, answer });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      try {
        return await answer;
      } catch {
        cache.delete(id);
        return {
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
          message: 'The API key could not be checked; retry shortly.',
        };
      }
    },
  };
}

function gatewayError(request: Request, status: number, code: string, message: string): Response {
  const id = request.headers.get('x-request-id') ?? crypto.randomUUID();
  return Response.json({ error: { code, message, id } }, { status, headers: { 'x-request-id': id } });
}
