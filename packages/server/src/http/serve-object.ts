import type { GetResult, StoragePort, StoredObject } from '../providers/storage/port.ts';
import { noneMatch, rangeStillValid } from './conditional.ts';
import { parseRange } from './range.ts';

export interface ServeObjectOptions {
  /** `Cache-Control` of every answer (200, 206, 304). */
  cacheControl: string;
  /** The answer when there is no such object. */
  notFound(): Response;
  /** The answer to a range past the end; `headers` carry `Content-Range: bytes *\/size`. */
  unsatisfiable(size: number, headers: Record<string, string>): Response;
}

function objectHeaders(object: StoredObject, cacheControl: string): Record<string, string> {
  return {
    'Accept-Ranges': 'bytes',
    'Cache-Control': cacheControl,
    'Content-Type': object.contentType,
    ETag: object.etag,
    'Last-Modified': object.updatedAt.toUTCString(),
  };
}

/**
 * Answers GET or HEAD for one stored object: 200, single-range 206, 304 on `If-None-Match`, 416 past the
 * end, `If-Range` honoured. The body streams from storage (never the whole file in memory). Used by the
 * API's signed files route and the gateway's public covers.
 */
export async function serveObject(
  request: Request,
  storage: StoragePort,
  bucket: string,
  path: string,
  options: ServeObjectOptions,
  attempt = 0,
): Promise<Response> {
  const object = await storage.head(bucket, path);
  if (!object) return options.notFound();
  const headers = objectHeaders(object, options.cacheControl);
  if (noneMatch(request.headers.get('if-none-match'), object.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const wanted = rangeStillValid(request.headers.get('if-range'), object.etag, object.updatedAt)
    ? parseRange(request.headers.get('range'), object.size)
    : ({ kind: 'whole' } as const);
  if (wanted.kind === 'unsatisfiable') {
    return options.unsatisfiable(object.size, { 'Content-Range': `bytes */${object.size}`, 'Accept-Ranges': 'bytes' });
  }
  const range = wanted.kind === 'range' ? { start: wanted.start, end: wanted.end } : undefined;
  if (request.method === 'HEAD') {
    const length = range ? range.end - range.start + 1 : object.size;
    const rangeHeaders: Record<string, string> = range
      ? { 'Content-Range': `bytes ${range.start}-${range.end}/${object.size}` }
      : {};
    return new Response(null, {
      status: range ? 206 : 200,
      headers: { ...headers, ...rangeHeaders, 'Content-Length': String(length) },
    });
  }
  const got = await storage.get(bucket, path, range ? { range } : {});
  if (!got) return options.notFound();
  if (got.object.etag !== object.etag && attempt < 2) {
    // Replaced between the two reads: start over, so headers and bytes describe one version.
    // Not awaited: some fetch implementations settle a cancel only once the body is drained.
    void got.body.cancel().catch(() => {});
    return serveObject(request, storage, bucket, path, options, attempt + 1);
  }
  return streamed(got, object, headers);
}

function streamed(got: GetResult, object: StoredObject, headers: Record<string, string>): Response {
  if (!got.range) {
    return new Response(got.body, { status: 200, headers: { ...headers, 'Content-Length': String(object.size) } });
  }
  const { start, end } = got.range;
  return new Response(got.body, {
    status: 206,
    headers: {
      ...headers,
      'Content-Length': String(end - start + 1),
      'Content-Range': `bytes ${start}-${end}/${object.size}`,
    },
  });
}
