import { z } from 'zod';
import { checkBucket, checkPath, checkPrefix, encodePath } from './paths.ts';
import { type GetResult, StorageError, type StoragePort, type StoredObject } from './port.ts';

export interface SupabaseStorageOptions {
  /** The project's URL (`https://<ref>.supabase.co`); Storage answers under `/storage/v1`. */
  url: string;
  /** The service role key (legacy JWT or `sb_secret_…`): the server reads private buckets with it. */
  serviceRoleKey: string;
  fetch?: typeof fetch | undefined;
}

/** Storage API's error body (`{ statusCode: "404", code: "NoSuchKey", error: "not_found", message }`). */
const ErrorBody = z.object({
  statusCode: z.union([z.string(), z.number()]).optional(),
  code: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

const ListEntry = z.object({
  name: z.string(),
  id: z.string().nullable(),
  updated_at: z.string().nullable().optional(),
  metadata: z
    .object({
      eTag: z.string().optional(),
      size: z.number().optional(),
      mimetype: z.string().optional(),
      cacheControl: z.string().optional(),
      lastModified: z.string().optional(),
    })
    .nullable()
    .optional(),
});

const SignedUrl = z.object({ signedURL: z.string() });

const LIST_PAGE = 1000;
const BATCH = 1000;

/** Storage answers most errors with HTTP 400 and the real status in the body's `statusCode`. */
async function storageStatus(response: Response): Promise<{ status: number; message: string }> {
  let body: z.infer<typeof ErrorBody> = {};
  if (response.status !== 416 && response.headers.get('content-type')?.includes('json')) {
    body = ErrorBody.safeParse(await response.json().catch(() => ({}))).data ?? {};
  } else {
    await response.arrayBuffer().catch(() => undefined);
  }
  const inBody = Number(body.statusCode);
  return { status: Number.isInteger(inBody) && inBody > 0 ? inBody : response.status, message: body.message ?? '' };
}

function failure(status: number, message: string, what: string): StorageError {
  if (status === 409) return new StorageError('conflict', 'An object already exists at this path');
  if (status === 416) return new StorageError('range_not_satisfiable', 'The range starts past the end of the object');
  if (status === 404) return new StorageError('not_found', 'Object not found');
  if (status === 400 && /key|name|path/i.test(message)) return new StorageError('invalid_path', 'Invalid object path');
  return new StorageError('unavailable', `Supabase Storage failed to ${what} (${status})`);
}

function objectFromHeaders(bucket: string, path: string, headers: Headers, size: number): StoredObject {
  const modified = headers.get('last-modified');
  const cacheControl = headers.get('cache-control');
  return {
    bucket,
    path,
    size,
    contentType: headers.get('content-type') ?? 'application/octet-stream',
    etag: headers.get('etag') ?? '',
    updatedAt: modified ? new Date(modified) : new Date(0),
    ...(cacheControl ? { cacheControl } : {}),
  };
}

/** `bytes a-b/total` → the range and the total size. */
function parseContentRange(header: string | null): { start: number; end: number; total: number } | undefined {
  const match = header?.match(/^bytes (\d+)-(\d+)\/(\d+)$/);
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) };
}

/**
 * Supabase Storage through its REST API (`/storage/v1`), authenticated with the service role key: private
 * `books` are read and signed by the server only. Signed and public URLs are Storage's own.
 */
export function supabaseStorage(options: SupabaseStorageOptions): StoragePort {
  const base = `${options.url.replace(/\/+$/, '')}/storage/v1`;
  const doFetch = options.fetch ?? fetch;
  const auth = { apikey: options.serviceRoleKey, authorization: `Bearer ${options.serviceRoleKey}` };
  const objectUrl = (bucket: string, path: string) =>
    `${base}/object/${checkBucket(bucket)}/${encodePath(checkPath(path))}`;

  async function call(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await doFetch(url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
    } catch (cause) {
      throw new StorageError('unavailable', `Supabase Storage is unreachable (${what})`, { cause });
    }
  }

  /** A JSON call whose answer must match `schema` (anything else is Storage misbehaving: `unavailable`). */
  async function json<T>(url: string, body: unknown, what: string, schema: z.ZodType<T>, method = 'POST'): Promise<T> {
    const init = { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const response = await call(url, init, what);
    if (!response.ok) {
      const { status, message } = await storageStatus(response);
      throw failure(status, message, what);
    }
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new StorageError('unavailable', `Supabase Storage sent an unexpected answer (${what})`);
    return parsed.data;
  }

  async function head(bucket: string, path: string): Promise<StoredObject | null> {
    const response = await call(objectUrl(bucket, path), { method: 'HEAD' }, 'read an object');
    if (response.status === 404 || response.status === 400) return null;
    if (!response.ok) throw failure(response.status, '', 'read an object');
    return objectFromHeaders(bucket, path, response.headers, Number(response.headers.get('content-length') ?? 0));
  }

  async function listFolder(bucket: string, folder: string, into: StoredObject[]): Promise<void> {
    for (let offset = 0; ; offset += LIST_PAGE) {
      const body = { prefix: folder, limit: LIST_PAGE, offset, sortBy: { column: 'name', order: 'asc' } };
      const entries = await json(`${base}/object/list/${bucket}`, body, 'list objects', z.array(ListEntry));
      for (const entry of entries) {
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        // Folders come back with a null id; their objects are listed level by level.
        if (entry.id === null) await listFolder(bucket, path, into);
        else {
          const meta = entry.metadata ?? {};
          into.push({
            bucket,
            path,
            size: meta.size ?? 0,
            contentType: meta.mimetype ?? 'application/octet-stream',
            etag: meta.eTag ?? '',
            updatedAt: new Date(meta.lastModified ?? entry.updated_at ?? 0),
            ...(meta.cacheControl ? { cacheControl: meta.cacheControl } : {}),
          });
        }
      }
      if (entries.length < LIST_PAGE) return;
    }
  }

  return {
    async put(bucket, path, body, putOptions) {
      const headers: Record<string, string> = {
        'content-type': putOptions.contentType,
        'x-upsert': String(putOptions.upsert === true),
      };
      if (putOptions.cacheControl) headers['cache-control'] = putOptions.cacheControl;
      const response = await call(
        objectUrl(bucket, path),
        { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> },
        'store an object',
      );
      if (!response.ok) {
        const { status, message } = await storageStatus(response);
        throw failure(status, message, 'store an object');
      }
      await response.arrayBuffer();
      // The upload answers only { Key, Id }: the ETag and date are Storage's, so ask for them.
      const stored = await head(bucket, path);
      if (!stored) throw new StorageError('unavailable', 'Supabase Storage lost an object it just stored');
      return stored;
    },

    head,

    async get(bucket, path, getOptions = {}): Promise<GetResult | null> {
      const { range } = getOptions;
      const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end ?? ''}` } : {};
      const response = await call(objectUrl(bucket, path), { method: 'GET', headers }, 'read an object');
      if (!response.ok) {
        const { status, message } = await storageStatus(response);
        if (status === 404) return null;
        throw failure(status, message, 'read an object');
      }
      if (!response.body) throw new StorageError('unavailable', 'Supabase Storage sent no body');
      if (!range) {
        const size = Number(response.headers.get('content-length') ?? 0);
        return { object: objectFromHeaders(bucket, path, response.headers, size), body: response.body };
      }
      const served = parseContentRange(response.headers.get('content-range'));
      if (response.status !== 206 || !served) {
        // Not awaited: some fetch implementations settle a cancel only once the body is drained.
        void response.body.cancel().catch(() => {});
        throw new StorageError('unavailable', 'Supabase Storage ignored the range');
      }
      return {
        object: objectFromHeaders(bucket, path, response.headers, served.total),
        body: response.body,
        range: { start: served.start, end: served.end },
      };
    },

    async list(bucket, prefix) {
      const objects: StoredObject[] = [];
      await listFolder(checkBucket(bucket), checkPrefix(prefix), objects);
      return objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async remove(bucket, paths) {
      paths.forEach(checkPath);
      for (let i = 0; i < paths.length; i += BATCH) {
        const prefixes = paths.slice(i, i + BATCH);
        await json(
          `${base}/object/${checkBucket(bucket)}`,
          { prefixes },
          'remove objects',
          z.array(z.unknown()),
          'DELETE',
        );
      }
    },

    async signedUrl(bucket, path, { expiresIn }) {
      const url = `${base}/object/sign/${checkBucket(bucket)}/${encodePath(checkPath(path))}`;
      const { signedURL } = await json(url, { expiresIn }, 'sign a URL', SignedUrl);
      return `${base}${signedURL}`;
    },

    publicUrl(bucket, path) {
      return `${base}/object/public/${checkBucket(bucket)}/${encodePath(checkPath(path))}`;
    },
  };
}
