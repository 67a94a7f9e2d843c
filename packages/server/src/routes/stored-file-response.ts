import type { Context } from 'hono';
import { errorResponse } from '../app/errors.ts';
import { serveObject } from '../http/serve-object.ts';
import { isStorageError, type StoragePort } from '../providers/storage/port.ts';

/**
 * One stored object as the answer of a signed route (`serveObject`: Range, ETag/304, 416), with storage
 * failures in the API's error format: a path storage refuses is a 404, a moment's outage a 503.
 */
export async function storedFileResponse(
  c: Context,
  storage: StoragePort,
  bucket: string,
  path: string,
  cacheControl: string,
): Promise<Response> {
  const notFound = () => errorResponse(c, 404, 'NOT_FOUND', 'File not found');
  try {
    return await serveObject(c.req.raw, storage, bucket, path, {
      cacheControl,
      notFound,
      unsatisfiable: (size, headers) =>
        errorResponse(c, 416, 'RANGE_NOT_SATISFIABLE', `The range starts past the end of the file (${size} bytes)`, {
          details: { size },
          headers,
        }),
    });
  } catch (cause) {
    if (isStorageError(cause) && cause.code === 'invalid_path') return notFound();
    if (isStorageError(cause) && cause.code === 'unavailable') {
      return errorResponse(c, 503, 'SERVICE_UNAVAILABLE', 'Storage is unavailable; retry shortly', {
        headers: { 'Retry-After': '5' },
      });
    }
    throw cause;
  }
}
