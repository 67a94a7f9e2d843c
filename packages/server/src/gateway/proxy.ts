import type { Context } from 'hono';
import { noneMatch } from '../http/conditional.ts';
import {
  isCacheableAnswer,
  notModifiedHeaders,
  REST_VARY,
  REST_VARY_BUT_ENCODING,
  restCacheControl,
  weakEtag,
} from './cache.ts';
import { compressBody, compressionFor } from './compress.ts';
import { createCompressedCache } from './compressed-cache.ts';
import { gatewayError, requestIdOf } from './errors.ts';
import { forwardableHeaders } from './hop-by-hop.ts';
import type { Access, RestUpstream } from './upstream.ts';
import { readUpTo, readWhole, requestUpstream, streamOf, type UpstreamAnswer } from './upstream-request.ts';

/**
 * Forwards a checked `/rest/v1` request to the upstream with `access`'s credentials, streaming both
 * bodies. Hop-by-hop headers are dropped both ways; the caller's `apikey`/`authorization` are replaced.
 * An upstream that cannot be reached (PostgREST down or restarting) is 503 `SERVICE_UNAVAILABLE`.
 */
export async function forwardRest(
  c: Context,
  upstream: RestUpstream,
  access: Access,
  timeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS,
): Promise<Response> {
  const request = c.req.raw;
  const url = new URL(request.url);
  const target = `${upstream.url}${url.pathname.slice('/rest/v1'.length) || '/'}${url.search}`;
  const headers = forwardableHeaders(request.headers, ['apikey', 'authorization', 'accept-encoding']);
  Object.assign(headers, upstream.credentials(access));
  headers['x-request-id'] = requestIdOf(c);
  const reads = request.method === 'GET' || request.method === 'HEAD';
  const cache = reads ? { cacheControl: restCacheControl(url.pathname, access) } : undefined;
  const response = await forward(c, target, request, headers, timeoutMs, cache);
  return response.status === 503 || response.status === 400 || response.status === 500
    ? faultInErrorFormat(c, response)
    : response;
}

/**
 * PostgREST's answers for faults that are not the request's become Coko's error format: an outage is
 * 503 `SERVICE_UNAVAILABLE`, as the API answers in one — PostgREST's 503s (PGRST000–003: connection
 * lost, pool timeout, schema cache not loaded; 57P01, 08…, 53300: the database gone or full) and the
 * 400 with an empty code and message it sends when the connection dies under a running statement (seen
 * when Postgres is killed under load); a statement timeout (its 500 with SQLSTATE 57014) is 504
 * `TIMEOUT`, as the SDK names it. Other responses stay PostgREST's.
 */
async function faultInErrorFormat(c: Context, response: Response): Promise<Response> {
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof body?.code === 'string' ? body.code : '';
  if (response.status === 500) {
    if (code !== '57014') return response;
    await response.body?.cancel();
    return gatewayError(c, 'TIMEOUT', 'The query took too long and was cancelled; narrow it or retry later.', {
      details: { postgrestCode: code },
    });
  }
  const outage = response.status === 503 || (body?.code === '' && body?.message === '');
  if (!outage) return response;
  await response.body?.cancel();
  return gatewayError(c, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly.', {
    details: { postgrestCode: code },
    headers: { 'retry-after': '1' },
  });
}

/** Default longest wait for the upstream's response headers: 60 s. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;

/** How a read is cached: its `Cache-Control` (see `cache.ts`). */
export interface ReadCaching {
  cacheControl: string;
}

/**
 * Forwards `request` to `target` as it is (hop-by-hop headers aside): 503 when the upstream cannot be
 * reached, 504 when its response headers take longer than `timeoutMs` (a hung PostgREST must not hold
 * connections forever; the body then streams without a deadline). The upstream's bytes pass through as
 * they are, compressed or not (the gateway asks for identity and compresses itself).
 *
 * With `cache` (GET and HEAD), a page (200, or PostgREST's 206) gets `Cache-Control`, `Vary` and a weak
 * `ETag` hashed over the body it reads whole anyway to compress it (bodies that stream, unbounded or
 * over 4 MiB, get none), and a matching `If-None-Match` is answered `304` with no body, before any
 * compression. A HEAD that revalidates is asked upstream as a GET (its body hashed, then dropped); a
 * plain HEAD (supabase-js's count probes) stays a HEAD and carries no ETag.
 */
export async function forward(
  c: Context,
  target: string,
  request: Request,
  headers?: Record<string, string>,
  timeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS,
  cache?: ReadCaching,
): Promise<Response> {
  // The body limit has run and read the body (`requestBody`): at most that many bytes, sent with its
  // exact length. Asking `request.body` instead would make @hono/node-server build a WHATWG Request.
  const reads = request.method === 'GET' || request.method === 'HEAD';
  const body = reads ? undefined : (c.get('requestBody') ?? (await bodyOf(request)));
  const ifNoneMatch = cache ? request.headers.get('if-none-match') : null;
  const method = request.method === 'HEAD' && ifNoneMatch ? 'GET' : request.method;
  let upstream: UpstreamAnswer;
  try {
    upstream = await requestUpstream(
      target,
      method,
      headers ?? forwardableHeaders(request.headers, ['accept-encoding']),
      body,
      timeoutMs,
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return gatewayError(c, 'TIMEOUT', `The data API did not answer within ${timeoutMs} ms.`);
    }
    return gatewayError(c, 'SERVICE_UNAVAILABLE', 'The data API is unavailable; retry shortly.', {
      headers: { 'retry-after': '1' },
    });
  }
  const responseHeaders = upstream.headers;
  // Stamped here rather than by requestId() afterwards, which would copy the response to add it.
  responseHeaders.set('x-request-id', requestIdOf(c));
  const init = { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders };
  if (cache && isCacheableAnswer(upstream.status, responseHeaders)) {
    responseHeaders.set('cache-control', cache.cacheControl);
    responseHeaders.set('vary', REST_VARY);
    const declared = upstream.declaredLength;
    // `method`: what the upstream was asked. A plain HEAD has no body to hash, so no ETag.
    if (upstream.body && method !== 'HEAD' && (declared === undefined || declared <= WHOLE_BODY_MAX_BYTES)) {
      const read = await readUpTo(upstream.body, WHOLE_BODY_MAX_BYTES);
      if ('whole' in read) return validatedRead(c, request, read.whole, init, ifNoneMatch);
      // Over 4 MiB: streamed on, without an ETag (compressResponses may still compress it, and says so).
      responseHeaders.set('vary', REST_VARY_BUT_ENCODING);
      if (request.method === 'HEAD') {
        read.rest.resume();
        return new Response(null, init);
      }
      return new Response(streamOf(read.rest, read.head), init);
    }
    responseHeaders.set('vary', REST_VARY_BUT_ENCODING);
  }
  if (request.method === 'HEAD') {
    upstream.body?.resume();
    return new Response(null, init);
  }
  if (!upstream.body) return new Response(null, init);
  const encoding = compressionFor(request.method, c.req.header('accept-encoding'), responseHeaders);
  const declared = upstream.declaredLength;
  // An RPC's answer (PostgREST sends it chunked, without a length: `search_books` by POST) is read whole
  // up to 4 MiB and compressed here, once per distinct body (keyed by its hash, as a page by its ETag),
  // rather than left to the compression middleware, which reads it whole anyway, copies the response and
  // compresses it again every time. (Errors are not: forwardRest reads a 503's or 400's body first.)
  const compressWhole = encoding !== null && upstream.status < 300 && (declared ?? 0) <= WHOLE_BODY_MAX_BYTES;
  // PostgREST answers writes chunked, with no length — even when there is no body: forwarded as is,
  // that is a `transfer-encoding: chunked` head plus a terminator for nothing (33 B). Write answers are
  // small: read them whole and send them with their length (`content-length: 0` when empty).
  const sendWithLength = declared === undefined && method !== 'GET';
  if (compressWhole || sendWithLength) {
    const read = await readUpTo(upstream.body, WHOLE_BODY_MAX_BYTES);
    if (!('whole' in read)) return new Response(streamOf(read.rest, read.head), init);
    const { whole } = read;
    if (encoding !== null && compressWhole && whole.byteLength > 0) {
      const key = weakEtag(whole, null);
      return new Response(
        await compressBody(whole, encoding, responseHeaders, { cache: { store: compressedPages, key } }),
        init,
      );
    }
    responseHeaders.set('content-length', String(whole.byteLength));
    return new Response(whole.byteLength ? whole : null, init);
  }
  if (encoding && declared !== undefined && declared <= WHOLE_BODY_MAX_BYTES) {
    // Anything else with its length (an error's answer): compressed once and sent as one buffer.
    const body = await readWhole(upstream.body);
    return new Response(await compressBody(body, encoding, responseHeaders), init);
  }
  return new Response(streamOf(upstream.body), init);
}

/** A request's body where no body limit read it first (a caller of {@link forward} other than `/rest/v1`). */
async function bodyOf(request: Request): Promise<Uint8Array | undefined> {
  return request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
}

/**
 * A page read whole: its ETag, then `304` when the client holds it, else the body (compressed when
 * negotiated; none for a HEAD).
 */
async function validatedRead(
  c: Context,
  request: Request,
  body: Uint8Array<ArrayBuffer>,
  init: { status: number; statusText: string; headers: Headers },
  ifNoneMatch: string | null,
): Promise<Response> {
  const { headers } = init;
  const etag = weakEtag(body, headers.get('content-range'));
  headers.set('etag', etag);
  if (noneMatch(ifNoneMatch, etag)) return new Response(null, { status: 304, headers: notModifiedHeaders(headers) });
  if (request.method === 'HEAD') return new Response(null, init);
  const encoding = compressionFor(request.method, c.req.header('accept-encoding'), headers);
  if (!encoding) return new Response(body, init);
  const compressed = await compressBody(body, encoding, headers, { cache: { store: compressedPages, key: etag } });
  headers.set('vary', REST_VARY);
  return new Response(compressed, init);
}

/**
 * Pages this process compressed, by ETag and encoding: a page asked again is not compressed again.
 * One per process; 8 MiB at most (see compressed-cache.ts).
 */
const compressedPages = createCompressedCache();

/** Compressible answers up to this size are read whole and compressed in one go; larger ones stream. */
const WHOLE_BODY_MAX_BYTES = 4 * 1024 * 1024;
