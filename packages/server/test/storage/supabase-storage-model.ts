// A model of Supabase Storage's REST API (storage-api, `/storage/v1`), in memory behind msw, faithful to
// what the adapter relies on: routes, service-key auth, `x-upsert`, single ranges, folder listing (folders
// with a null id), bulk delete by `prefixes`, signed URLs and public URLs, and its
// errors — most answered with HTTP 400 and the real status in the body (`{ statusCode: "404", code,
// error, message }`), as storage-api renders them.
import { createHash, randomUUID } from 'node:crypto';
import { HttpResponse, http } from 'msw';

interface StoredEntry {
  id: string;
  bytes: Uint8Array;
  contentType: string;
  cacheControl: string;
  etag: string;
  lastModified: Date;
}

export interface StorageModel {
  url: string;
  serviceRoleKey: string;
  handlers: ReturnType<typeof http.all>[];
  buckets: Map<string, { public: boolean; objects: Map<string, StoredEntry> }>;
  /** Requests seen, `METHOD /path` (for assertions on how the adapter talks). */
  calls: string[];
}

const storageError = (statusCode: string, code: string, error: string, message: string, status = 400) =>
  HttpResponse.json({ statusCode, code, error, message }, { status });

const notFound = () => storageError('404', 'NoSuchKey', 'not_found', 'Object not found');
const noBucket = () => storageError('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found');
// storage-api refuses keys outside this set (its `mustBeValidKey`).
const VALID_KEY = /^(\w|\/|!|-|\.|\*|'|\(|\)| |&|\$|@|=|;|:|\+|,|\?)*$/;

function decodeKey(segments: string[]): string {
  return segments.map(decodeURIComponent).join('/');
}

/** Serves `entry` honouring one `Range` as S3 does (206, or 416 rendered as 400 + statusCode "416"). */
function serve(entry: StoredEntry, request: Request): Response {
  const headers = {
    'content-type': entry.contentType,
    'cache-control': entry.cacheControl,
    etag: entry.etag,
    'last-modified': entry.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
  };
  const size = entry.bytes.byteLength;
  const range = request.headers.get('range')?.match(/^bytes=(\d+)-(\d*)$/);
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
    if (start >= size) {
      return storageError('416', 'InvalidRange', 'InvalidRange', 'The requested range is not satisfiable');
    }
    const body = request.method === 'HEAD' ? null : entry.bytes.slice(start, end + 1);
    return new HttpResponse(body, {
      status: 206,
      headers: {
        ...headers,
        'content-length': String(end - start + 1),
        'content-range': `bytes ${start}-${end}/${size}`,
      },
    });
  }
  const body = request.method === 'HEAD' ? null : entry.bytes.slice();
  return new HttpResponse(body, { status: 200, headers: { ...headers, 'content-length': String(size) } });
}

/** An in-memory Storage with buckets `books` (private) and `covers` (public). */
export function supabaseStorageModel(
  url = 'https://coko-test.supabase.co',
  serviceRoleKey = 'sb_secret_model_key',
): StorageModel {
  const buckets: StorageModel['buckets'] = new Map([
    ['books', { public: false, objects: new Map() }],
    ['covers', { public: true, objects: new Map() }],
  ]);
  const tokens = new Map<string, { bucket: string; key: string; exp: number }>();
  const calls: string[] = [];
  const base = `${url}/storage/v1`;

  const authorized = (request: Request) =>
    request.headers.get('apikey') === serviceRoleKey &&
    request.headers.get('authorization') === `Bearer ${serviceRoleKey}`;

  function sign(bucket: string, key: string, expiresIn: number): string {
    const token = randomUUID();
    tokens.set(token, { bucket, key, exp: Date.now() + expiresIn * 1000 });
    return `/object/sign/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}?token=${token}`;
  }

  async function route(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url);
    const segments = pathname
      .slice(base.length - url.length)
      .split('/')
      .filter(Boolean);
    calls.push(`${request.method} /${segments.join('/')}`);
    const [area, ...rest] = segments;
    if (area !== 'object') return storageError('404', 'NotFound', 'Not Found', 'Route not found', 404);

    // Public and signed reads carry no key.
    if (rest[0] === 'public' && (request.method === 'GET' || request.method === 'HEAD')) {
      const bucket = buckets.get(rest[1] ?? '');
      if (!bucket?.public) return noBucket();
      const entry = bucket.objects.get(decodeKey(rest.slice(2)));
      return entry ? serve(entry, request) : notFound();
    }
    if (rest[0] === 'sign' && request.method === 'GET') {
      const grant = tokens.get(searchParams.get('token') ?? '');
      const key = decodeKey(rest.slice(2));
      if (!grant || grant.bucket !== rest[1] || grant.key !== key) {
        return storageError('400', 'InvalidJWT', 'InvalidJWT', 'invalid signature');
      }
      if (grant.exp < Date.now()) return storageError('400', 'InvalidJWT', 'InvalidJWT', 'jwt expired');
      const entry = buckets.get(grant.bucket)?.objects.get(key);
      return entry ? serve(entry, request) : notFound();
    }

    if (!authorized(request)) return storageError('403', 'AccessDenied', 'Unauthorized', 'Invalid Compact JWS');

    if (rest[0] === 'list' && request.method === 'POST') {
      const bucket = buckets.get(rest[1] ?? '');
      const body = (await request.json()) as { prefix?: string; limit?: number; offset?: number };
      if (!bucket) return HttpResponse.json([]);
      const folder = (body.prefix ?? '').replace(/\/+$/, '');
      const entries = new Map<string, Record<string, unknown>>();
      for (const [key, entry] of bucket.objects) {
        if (folder && !key.startsWith(`${folder}/`)) continue;
        const [name = '', ...deeper] = (folder ? key.slice(folder.length + 1) : key).split('/');
        entries.set(
          name,
          deeper.length > 0
            ? { name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null }
            : {
                name,
                id: entry.id,
                updated_at: entry.lastModified.toISOString(),
                created_at: entry.lastModified.toISOString(),
                last_accessed_at: entry.lastModified.toISOString(),
                metadata: {
                  eTag: entry.etag,
                  size: entry.bytes.byteLength,
                  mimetype: entry.contentType,
                  cacheControl: entry.cacheControl,
                  lastModified: entry.lastModified.toISOString(),
                  contentLength: entry.bytes.byteLength,
                  httpStatusCode: 200,
                },
              },
        );
      }
      const sorted = [...entries.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const offset = body.offset ?? 0;
      return HttpResponse.json(sorted.slice(offset, offset + (body.limit ?? 100)));
    }

    if (rest[0] === 'sign' && request.method === 'POST') {
      const bucket = buckets.get(rest[1] ?? '');
      if (!bucket) return noBucket();
      const key = decodeKey(rest.slice(2));
      const body = (await request.json()) as { expiresIn: number };
      if (!bucket.objects.has(key)) return notFound();
      return HttpResponse.json({ signedURL: sign(rest[1]!, key, body.expiresIn) });
    }

    const bucketId = rest[0] ?? '';
    const bucket = buckets.get(bucketId);
    if (request.method === 'DELETE' && rest.length === 1) {
      if (!bucket) return noBucket();
      const body = (await request.json()) as { prefixes: string[] };
      const deleted = body.prefixes
        .filter((key) => bucket.objects.delete(key))
        .map((name) => ({ name, bucket_id: bucketId }));
      return HttpResponse.json(deleted);
    }
    const key = decodeKey(rest.slice(1));
    if (!bucket) return noBucket();
    if (!VALID_KEY.test(key)) return storageError('400', 'InvalidKey', 'InvalidKey', `Invalid key: ${key}`);
    if (request.method === 'GET' || request.method === 'HEAD') {
      const entry = bucket.objects.get(key);
      // storage-api answers a missing object's HEAD with a bare 400.
      if (!entry) return request.method === 'HEAD' ? new HttpResponse(null, { status: 400 }) : notFound();
      return serve(entry, request);
    }
    if (request.method === 'POST' || request.method === 'PUT') {
      const exists = bucket.objects.has(key);
      const upsert = request.method === 'PUT' || request.headers.get('x-upsert') === 'true';
      if (request.method === 'PUT' && !exists) return notFound();
      if (exists && !upsert) return storageError('409', 'KeyAlreadyExists', 'Duplicate', 'The resource already exists');
      const bytes = new Uint8Array(await request.arrayBuffer());
      const id = randomUUID();
      bucket.objects.set(key, {
        id,
        bytes,
        contentType: request.headers.get('content-type') ?? 'text/plain;charset=UTF-8',
        cacheControl: request.headers.get('cache-control') ?? 'no-cache',
        etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
        lastModified: new Date(),
      });
      return HttpResponse.json({ Id: id, Key: `${bucketId}/${key}` });
    }
    return storageError('404', 'NotFound', 'Not Found', 'Route not found', 404);
  }

  return { url, serviceRoleKey, buckets, calls, handlers: [http.all(`${base}/*`, ({ request }) => route(request))] };
}
