import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { CompressedCache } from './compressed-cache.ts';

export interface CompressOptions {
  /** Responses smaller than this many bytes are sent as they are. Default 1024. */
  threshold?: number;
  /** Brotli quality: 4–6 trades a little ratio for much less CPU than the default 11. Default 5. */
  brotliQuality?: number;
  /**
   * Where bytes compressed before are kept, under `key` (a hash of the body, such as its weak ETag; the
   * encoding is added to it): a body compressed once is not compressed again. Absent: always compressed.
   */
  cache?: { store: CompressedCache; key: string } | undefined;
}

const DEFAULTS = { threshold: 1024, brotliQuality: 5 } satisfies Omit<Required<CompressOptions>, 'cache'>;

// JSON and its `+json` dialects (OpenAPI, GeoJSON, Readium WebPub manifests), XML and XHTML (EPUB chapters), text.
const COMPRESSIBLE = /^(application\/(json|xml|vnd\.pgrst[^;]*|[\w.-]+\+(json|xml))|image\/svg\+xml|text\/)/i;

// Large bodies are compressed on libuv's thread pool, so they do not hold every other request of the
// event loop behind them; small ones (a page of rows: ~0.1 ms) in place, as the asynchronous path's
// stream machinery costs more than the compression itself.
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const ASYNC_FROM_BYTES = 64 * 1024;

/**
 * Whether a response with `headers` to a request accepting `acceptEncoding` gets compressed, and how;
 * null for responses that stay as they are (already encoded, not textual, a byte range, HEAD).
 */
export function compressionFor(
  method: string,
  acceptEncoding: string | undefined,
  headers: Headers,
): 'br' | 'gzip' | null {
  if (method === 'HEAD' || headers.has('content-encoding')) return null;
  if (!COMPRESSIBLE.test(headers.get('content-type') ?? '')) return null;
  // A byte range is a slice of the identity bytes: compressing it would break Content-Range and resumption.
  // (PostgREST's row ranges, `Content-Range: 0-49/*`, have no unit and stay compressible.)
  if (/^bytes /i.test(headers.get('content-range') ?? '')) return null;
  return preferredEncoding(acceptEncoding);
}

/**
 * `body` encoded with `encoding` when it reaches the threshold, `headers` updated to match (Vary,
 * Content-Encoding, no Content-Length, a weak ETag). Brotli saves readers on metered data ~15% over gzip.
 */
export async function compressBody(
  body: Uint8Array<ArrayBuffer>,
  encoding: 'br' | 'gzip',
  headers: Headers,
  options: CompressOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { threshold, brotliQuality, cache } = { ...DEFAULTS, ...options };
  headers.append('vary', 'accept-encoding');
  if (body.byteLength < threshold) return body;
  const cacheKey = cache && `${encoding} ${cache.key}`;
  const kept = cacheKey === undefined ? undefined : cache?.store.get(cacheKey);
  const compressed = kept ?? (await compress(body, encoding, brotliQuality));
  if (cacheKey !== undefined && kept === undefined) cache?.store.set(cacheKey, compressed);
  headers.set('content-encoding', encoding);
  headers.delete('content-length');
  // Other bytes, so no longer the strong validator of the stored file: a weak ETag still revalidates
  // (If-None-Match) but never resumes a download (If-Range) from compressed bytes.
  const etag = headers.get('etag');
  if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
  return compressed;
}

async function compress(
  body: Uint8Array<ArrayBuffer>,
  encoding: 'br' | 'gzip',
  brotliQuality: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const inPlace = body.byteLength < ASYNC_FROM_BYTES;
  const brotliOptions = {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  };
  if (encoding === 'br') return inPlace ? brotliCompressSync(body, brotliOptions) : brotli(body, brotliOptions);
  return inPlace ? gzipSync(body, { level: 6 }) : gzipAsync(body, { level: 6 });
}

/**
 * Brotli or gzip for textual responses over a threshold. Hono's own compress middleware has no
 * brotli (CompressionStream lacks it). Responses already negotiated (Vary: accept-encoding, as the
 * `/rest/v1` proxy compresses its own) pass untouched: their bodies are never read twice.
 */
export function compressResponses(options: CompressOptions = {}): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (/accept-encoding/i.test(res.headers.get('vary') ?? '')) return;
    const encoding = compressionFor(c.req.method, c.req.header('accept-encoding'), res.headers);
    if (!encoding || !res.body) return;
    const headers = new Headers(res.headers);
    const body = await compressBody(new Uint8Array(await res.arrayBuffer()), encoding, headers, options);
    c.res = new Response(body, { status: res.status, headers });
    // Hono's `c.res` setter copies the previous response's headers back: fix them on the new one.
    for (const name of ['content-length', 'etag', 'content-encoding', 'vary']) {
      const value = headers.get(name);
      if (value === null) c.res.headers.delete(name);
      else c.res.headers.set(name, value);
    }
  };
}

function preferredEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  const accepted = header.split(',').map((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { name, q: q ? Number(q.slice(2)) : 1 };
  });
  const ok = (name: string) => accepted.some((a) => (a.name === name || a.name === '*') && a.q > 0);
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}
