import { Hono, type MiddlewareHandler } from 'hono';
import { RATE_LIMIT_HEADERS } from '../limits/gateway.ts';
import { trimAnswerHeaders } from './answer-headers.ts';
import { type CheckApiKeyOptions, checkApiKey, type ProjectApiKeys } from './api-keys.ts';
import { DEFAULT_BODY_LIMIT_BYTES, limitBody } from './body-limit.ts';
import { type ClientIdentifier, clientIp } from './client-ip.ts';
import { compressResponses } from './compress.ts';
import { openCors } from './cors.ts';
import { COUNTRY_HEADER, checkCountryHeader } from './country.ts';
import { errorResponse, gatewayError } from './errors.ts';
import { withoutHopByHop } from './hop-by-hop.ts';
import { ALLOWED_METHODS, allowedMethods } from './methods.ts';
import type { PartnerKeyResolver } from './partner-keys.ts';
import { forwardRest } from './proxy.ts';
import { type PublicStorageOptions, servePublicObject } from './public-storage.ts';
import type { ReadReplicaRouting } from './read-replica.ts';
import { newRequestId, requestId } from './request-id.ts';
import { restrictSchemaRoot } from './schema-root.ts';
import type { SearchCache } from './search-cache.ts';
import { refuseUndecodable } from './undecodable.ts';
import type { RestUpstream } from './upstream.ts';

/** Something with a Web-standard fetch: a Hono app, or a forwarder to a remote origin. */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

export interface GatewayOptions {
  /** Where `/rest/v1` goes: {@link postgrestUpstream} (local stack) or {@link supabaseUpstream} (production). */
  rest: RestUpstream;
  /** Catalog reads that a read replica answers instead of `rest` ({@link catalogReadsOn}); absent: none. */
  readReplica?: ReadReplicaRouting | undefined;
  /** The project's API keys (`sb_publishable_…`, `sb_secret_…`). */
  keys: ProjectApiKeys;
  /** Accepts partners' publishable keys (`pk_…`) as apikey too, mapped to anon like the project's key. */
  partnerKeys?: PartnerKeyResolver | undefined;
  /** `/functions/v1/*` (path without the prefix): the API app (basePath `/api`) or a forwarder. */
  functions: FetchHandler;
  /**
   * `/auth/v1/*`: a forwarder to Supabase Auth (production). Without it the gateway serves `publicJwks`
   * at `/auth/v1/.well-known/jwks.json` and 404 for the rest (the local stack runs no Auth server).
   */
  auth?: FetchHandler | undefined;
  publicJwks?: unknown;
  /** Largest `/rest/v1` request body (default 1 MiB); larger ones get 413. */
  bodyLimitBytes?: number | undefined;
  /** Longest wait for `/rest/v1`'s upstream to start answering (default 60 s); then 504 `TIMEOUT`. */
  upstreamTimeoutMs?: number | undefined;
  /**
   * Guests' and signed-in readers' `search_books` answers reused for a while ({@link SearchCache}); absent: every search
   * reaches the database.
   */
  searchCache?: SearchCache | undefined;
  /** How clients are told apart for throttling failed key checks (default: the socket's address). */
  client?: ClientIdentifier | undefined;
  /**
   * Rate limits for `/rest/v1`: runs after the key check (`c.get('access')` says who calls: anon or
   * service, partner id, user token) and before the proxy. The shared limits plug in here.
   */
  limiter?: MiddlewareHandler | undefined;
  /**
   * `/storage/v1/object/public/{bucket}/*` served from a storage adapter (the local stack's covers). Absent:
   * `/storage/v1` is 404 (in production Supabase Storage serves it on the project's URL).
   */
  publicStorage?: PublicStorageOptions | undefined;
}

const SUPABASE_CORS = {
  allowMethods: [...ALLOWED_METHODS],
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
    COUNTRY_HEADER,
    'if-none-match',
    'accept',
    'accept-encoding',
  ],
  exposeHeaders: [
    'content-range',
    'content-location',
    'preference-applied',
    'range-unit',
    'x-request-id',
    'retry-after',
    'etag',
    ...RATE_LIMIT_HEADERS,
  ],
  maxAge: 86400,
};

/** `request` re-addressed to `path` under `target`, without hop-by-hop headers. */
function rebase(request: Request, prefix: string, target: string, id: string): Request {
  const url = new URL(request.url);
  const headers = withoutHopByHop(request.headers);
  headers.set('x-request-id', id);
  const rebased = new URL(`${target.replace(/\/+$/, '')}${url.pathname.slice(prefix.length) || '/'}${url.search}`);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
  return new Request(rebased, {
    method: request.method,
    headers,
    body: hasBody ? request.body : undefined,
    // @ts-expect-error Node's fetch needs duplex for streamed request bodies
    duplex: hasBody ? 'half' : undefined,
    redirect: 'manual',
  });
}

/**
 * One origin laid out like a Supabase project: `/rest/v1` → PostgREST (key checks, partner keys,
 * body limit), `/functions/v1` → the API, `/auth/v1` → Supabase Auth or the local JWKS. One middleware
 * per concern, in this order: request id, answer headers' trimming, methods, compression, CORS, then for `/rest/v1` the body
 * limit, the key check, the limiter, the schema-root guard and the proxy.
 *
 * @example
 * ```ts
 * const gateway = createGateway({
 *   rest: supabaseUpstream({ url: 'https://xyz.supabase.co', publishableKey, secretKey }),
 *   keys: { publishableKey, secretKey },
 *   partnerKeys: createPartnerKeyResolver(pool),
 *   functions: forwardTo('https://xyz.supabase.co/functions/v1'),
 * })
 * ```
 */
export function createGateway(options: GatewayOptions): Hono {
  const app = new Hono();
  const keyCheck: CheckApiKeyOptions = {
    keys: options.keys,
    partnerKeys: options.partnerKeys,
    client: options.client ?? clientIp(0),
  };

  app.use('*', requestId());
  app.use('*', trimAnswerHeaders());
  app.use('*', allowedMethods());
  app.use('*', compressResponses());
  // Supabase answers CORS for its REST and Auth endpoints at the gateway, before the key check
  // (browsers send preflights without credentials). The API applies its own per-origin policy.
  app.use('/rest/v1/*', openCors(SUPABASE_CORS));
  app.use('/auth/v1/*', openCors(SUPABASE_CORS));

  app.use('/rest/v1/*', limitBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));
  app.use('/rest/v1/*', refuseUndecodable());
  app.use('/rest/v1/*', checkCountryHeader());
  app.use('/rest/v1/*', checkApiKey(keyCheck));
  if (options.limiter) app.use('/rest/v1/*', options.limiter);
  // The limiter also stamps the client's address (X-Real-IP) on API calls, which count their own budget.
  if (options.limiter) app.use('/functions/v1/*', options.limiter);
  app.use('/rest/v1/*', restrictSchemaRoot());
  const { readReplica } = options;
  const restFor = (request: Request) => (readReplica?.serves(request) ? readReplica.rest : options.rest);
  const { searchCache } = options;
  app.all('/rest/v1/*', (c) => {
    const access = c.get('access');
    const forward = () => forwardRest(c, restFor(c.req.raw), access, options.upstreamTimeoutMs);
    return searchCache ? searchCache.handle(c, access, forward) : forward();
  });

  app.all('/functions/v1/*', (c) =>
    options.functions.fetch(rebase(c.req.raw, '/functions/v1', new URL(c.req.url).origin, c.get('requestId'))),
  );

  if (options.auth) {
    const auth = options.auth;
    app.all('/auth/v1/*', (c) => auth.fetch(rebase(c.req.raw, '', new URL(c.req.url).origin, c.get('requestId'))));
  } else {
    app.get('/auth/v1/.well-known/jwks.json', (c) => c.json(options.publicJwks ?? { keys: [] }));
    app.all('/auth/v1/*', (c) =>
      gatewayError(
        c,
        'NOT_FOUND',
        'Supabase Auth is not run by the local stack; partner sessions come from the API (/functions/v1/api/v1/sessions).',
      ),
    );
  }

  if (options.publicStorage) {
    app.use('/storage/v1/*', openCors(SUPABASE_CORS));
    app.on(['GET', 'HEAD'], '/storage/v1/object/public/:bucket/:path{.+}', servePublicObject(options.publicStorage));
    app.all('/storage/v1/*', (c) =>
      gatewayError(c, 'NOT_FOUND', 'The local stack serves only public objects (covers) under /storage/v1.'),
    );
  }

  app.get('/', (c) => c.json({ name: 'coko', rest: '/rest/v1', functions: '/functions/v1/api' }));
  app.notFound((c) => gatewayError(c, 'NOT_FOUND', 'Not found.'));
  app.onError((_error, c) => gatewayError(c, 'INTERNAL_ERROR', 'The gateway failed to handle this request.'));
  return app;
}

/**
 * A {@link FetchHandler} that forwards to `baseUrl` (the path and query kept), 503 in the error format
 * when it cannot be reached.
 */
export function forwardTo(baseUrl: string): FetchHandler {
  const base = new URL(baseUrl);
  return {
    async fetch(request) {
      const url = new URL(request.url);
      const target = `${base.origin}${base.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`;
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
      try {
        const response = await fetch(target, {
          method: request.method,
          headers: request.headers,
          body: hasBody ? request.body : undefined,
          // @ts-expect-error Node's fetch needs duplex for streamed request bodies
          duplex: hasBody ? 'half' : undefined,
          redirect: 'manual',
        });
        // fetch has decoded the body: the gateway compresses again itself.
        const headers = withoutHopByHop(response.headers, ['content-encoding']);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      } catch {
        return errorResponse(
          request.headers.get('x-request-id') ?? newRequestId(),
          'SERVICE_UNAVAILABLE',
          'The upstream is unavailable; retry shortly.',
          { headers: { 'retry-after': '1' } },
        );
      }
    },
  };
}
