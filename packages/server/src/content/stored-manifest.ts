import { z } from 'zod';
import type { StoragePort } from '../providers/storage/port.ts';
import { BOOKS_BUCKET, manifestPath } from './layout.ts';
import type { WebPubManifest } from './webpub.ts';

/** A manifest link as stored: only `href` and `children` matter here, the rest passes through untouched. */
export interface StoredLink {
  href: string;
  children?: StoredLink[] | undefined;
  [member: string]: unknown;
}

const StoredLinkSchema: z.ZodType<StoredLink> = z.lazy(() =>
  z.looseObject({ href: z.string().min(1), children: z.array(StoredLinkSchema).optional() }),
);

const StoredManifestSchema = z.looseObject({
  readingOrder: z.array(StoredLinkSchema),
  resources: z.array(StoredLinkSchema).default([]),
  toc: z.array(StoredLinkSchema).default([]),
  pageList: z.array(StoredLinkSchema).optional(),
  links: z.array(StoredLinkSchema).default([]),
});

/** `books/<id>/manifest.json` as publishBookFiles wrote it (a {@link WebPubManifest}), checked on read. */
export type StoredManifest = z.infer<typeof StoredManifestSchema> & Partial<Pick<WebPubManifest, 'metadata'>>;

/** The manifest exists but is not one (a hand-edited or truncated file). */
export class StoredManifestError extends Error {
  override readonly name = 'StoredManifestError';
}

export interface ManifestStore {
  /** The book's stored manifest, or null when it has none. */
  load(bookId: string): Promise<StoredManifest | null>;
}

/**
 * Reads books' Readium manifests from storage, keeping the last `maxEntries` in memory keyed by the
 * object's ETag: a reader opening a book costs one `head`, and a republished book is read again.
 */
export function manifestStore(storage: StoragePort, options: { maxEntries?: number } = {}): ManifestStore {
  const maxEntries = options.maxEntries ?? 200;
  const cache = new Map<string, { etag: string; manifest: StoredManifest }>();

  return {
    async load(bookId) {
      const path = manifestPath(bookId);
      const head = await storage.head(BOOKS_BUCKET, path);
      if (!head) return null;
      const cached = cache.get(bookId);
      if (cached?.etag === head.etag) return cached.manifest;
      const stored = await storage.get(BOOKS_BUCKET, path);
      if (!stored) return null;
      const manifest = parse(await new Response(stored.body).text(), bookId);
      // Delete then set, so the Map's order is least recently stored first.
      cache.delete(bookId);
      cache.set(bookId, { etag: stored.object.etag, manifest });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return manifest;
    },
  };
}

function parse(text: string, bookId: string): StoredManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StoredManifestError(`The manifest of book ${bookId} is not JSON`, { cause });
  }
  const result = StoredManifestSchema.safeParse(json);
  if (!result.success) {
    throw new StoredManifestError(`The manifest of book ${bookId} is not a Web Publication manifest`, {
      cause: result.error,
    });
  }
  return result.data as StoredManifest;
}
