// The storage port of docs/CONTRACT-payments.md §4. Adapters: local filesystem and Supabase Storage.

export interface StoredObject {
  bucket: string;
  path: string;
  size: number;
  contentType: string;
  etag: string;
  updatedAt: Date;
}

export interface StoragePort {
  put(
    bucket: string,
    path: string,
    body: Uint8Array,
    options: { contentType: string; cacheControl?: string; upsert?: boolean },
  ): Promise<StoredObject>;
  head(bucket: string, path: string): Promise<StoredObject | null>;
  get(
    bucket: string,
    path: string,
    options?: { range?: { start: number; end?: number } },
  ): Promise<{ object: StoredObject; body: ReadableStream<Uint8Array>; range?: { start: number; end: number } } | null>;
  list(bucket: string, prefix: string): Promise<StoredObject[]>;
  remove(bucket: string, paths: string[]): Promise<void>;
  signedUrl(bucket: string, path: string, options: { expiresIn: number }): Promise<string>;
  signedUrls(bucket: string, paths: string[], options: { expiresIn: number }): Promise<Map<string, string>>;
  /** Public buckets only (covers). */
  publicUrl(bucket: string, path: string): string;
}
