import type { Context } from 'hono';
import { serveObject } from '../http/serve-object.ts';
import { isStorageError, PUBLIC_OBJECT_CACHE_CONTROL, type StoragePort } from '../providers/storage/port.ts';
import { gatewayError } from './errors.ts';

export interface PublicStorageOptions {
  /** The API's storage adapter (the local one in `coko dev`). */
  storage: StoragePort;
  /** Buckets readable by anyone (default `['covers']`); any other bucket is 404, as on Supabase. */
  buckets?: readonly string[] | undefined;
}

export { PUBLIC_OBJECT_CACHE_CONTROL } from '../providers/storage/port.ts';

/**
 * `GET`/`HEAD /storage/v1/object/public/{bucket}/{path…}` as Supabase Storage serves public buckets, from
 * the local adapter: long-lived cache headers, `ETag` and 304, single ranges. Not rate-limited, like
 * Supabase's CDN: public and immutable, so browsers and proxies rarely ask twice.
 */
export function servePublicObject(options: PublicStorageOptions) {
  const buckets = new Set(options.buckets ?? ['covers']);
  const notFound = (c: Context) => gatewayError(c, 'NOT_FOUND', 'Object not found.');
  return async (c: Context) => {
    const { bucket, path } = c.req.param() as { bucket: string; path: string };
    if (!buckets.has(bucket)) return notFound(c);
    try {
      return await serveObject(c.req.raw, options.storage, bucket, path, {
        cacheControl: PUBLIC_OBJECT_CACHE_CONTROL,
        notFound: () => notFound(c),
        unsatisfiable: (size, headers) =>
          gatewayError(c, 'RANGE_NOT_SATISFIABLE', `The range starts past the end of the object (${size} bytes).`, {
            details: { size },
            headers,
          }),
      });
    } catch (cause) {
      if (isStorageError(cause) && cause.code === 'invalid_path') return notFound(c);
      if (isStorageError(cause) && cause.code === 'unavailable') {
        return gatewayError(c, 'SERVICE_UNAVAILABLE', 'Storage is unavailable; retry shortly.', {
          headers: { 'retry-after': '5' },
        });
      }
      throw cause;
    }
  };
}
