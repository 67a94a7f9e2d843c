import { createHash } from 'node:crypto';
import type { StoragePort, StoredObject } from '../../src/providers/storage/port.ts';

/**
 * The storage port in memory: a test double of a port Coko owns, for the content tests that run
 * without the storage adapters. Objects are keyed `bucket/path`.
 */
export function memoryStorage(): StoragePort & {
  objects: Map<string, { object: StoredObject; body: Uint8Array; cacheControl?: string }>;
} {
  const objects = new Map<string, { object: StoredObject; body: Uint8Array; cacheControl?: string }>();
  const key = (bucket: string, path: string) => `${bucket}/${path}`;
  return {
    objects,
    async put(bucket, path, body, options) {
      if (!options.upsert && objects.has(key(bucket, path))) throw new Error(`conflict: ${bucket}/${path}`);
      const object: StoredObject = {
        bucket,
        path,
        size: body.length,
        contentType: options.contentType,
        etag: `"${createHash('sha256').update(body).digest('hex')}"`,
        updatedAt: new Date(0),
      };
      objects.set(key(bucket, path), {
        object,
        body: body.slice(),
        ...(options.cacheControl ? { cacheControl: options.cacheControl } : {}),
      });
      return object;
    },
    async head(bucket, path) {
      return objects.get(key(bucket, path))?.object ?? null;
    },
    async get(bucket, path) {
      const stored = objects.get(key(bucket, path));
      if (!stored) return null;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(stored.body);
          controller.close();
        },
      });
      return { object: stored.object, body };
    },
    async list(bucket, prefix) {
      return [...objects.values()]
        .map((stored) => stored.object)
        .filter((object) => object.bucket === bucket && object.path.startsWith(prefix))
        .sort((a, b) => a.path.localeCompare(b.path));
    },
    async remove(bucket, paths) {
      for (const path of paths) objects.delete(key(bucket, path));
    },
    async signedUrl(bucket, path) {
      return `memory://${bucket}/${path}`;
    },
    async signedUrls(bucket, paths) {
      return new Map(paths.map((path) => [path, `memory://${bucket}/${path}`]));
    },
    publicUrl(bucket, path) {
      return `memory://${bucket}/${path}`;
    },
  };
}
