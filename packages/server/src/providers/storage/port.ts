/** One stored object, as every adapter describes it. */
export interface StoredObject {
  bucket: string;
  path: string;
  size: number;
  contentType: string;
  /** Strong entity tag as HTTP sends it, quotes included (`"…"`): compare with `If-None-Match` as is. */
  etag: string;
  updatedAt: Date;
  /** `Cache-Control` given at upload, when there was one. */
  cacheControl?: string | undefined;
}

export interface PutOptions {
  contentType: string;
  cacheControl?: string | undefined;
  /** Replace an existing object (default false: a {@link StorageError} `conflict` when the path is taken). */
  upsert?: boolean | undefined;
}

/** Inclusive byte range; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number | undefined;
}

export interface GetResult {
  object: StoredObject;
  body: ReadableStream<Uint8Array>;
  /** The bytes the body holds when a range was asked (inclusive, clamped to the object's size). */
  range?: { start: number; end: number } | undefined;
}

/**
 * Where book files and covers live: the local filesystem (`coko dev`, tests) or Supabase Storage. Both
 * adapters pass one contract suite (packages/server/test/storage/contract.ts).
 */
export interface StoragePort {
  put(bucket: string, path: string, body: Uint8Array, options: PutOptions): Promise<StoredObject>;
  /** The object's description, or null when there is none. */
  head(bucket: string, path: string): Promise<StoredObject | null>;
  /** The object's bytes as a stream (only the range when asked), or null when there is none. */
  get(bucket: string, path: string, options?: { range?: ByteRange | undefined }): Promise<GetResult | null>;
  /** Every object under the folder `prefix` (`''` = the whole bucket), recursively, sorted by path. */
  list(bucket: string, prefix: string): Promise<StoredObject[]>;
  /** Removes the objects; paths without an object are ignored. */
  remove(bucket: string, paths: string[]): Promise<void>;
  /** A URL that reads the object without credentials for `expiresIn` seconds. */
  signedUrl(bucket: string, path: string, options: { expiresIn: number }): Promise<string>;
  /** The permanent URL of an object in a public bucket (covers). */
  publicUrl(bucket: string, path: string): string;
}

export type StorageErrorCode =
  /** The bucket or path is not acceptable (`..`, absolute, NUL, empty segment…). */
  | 'invalid_path'
  /** `put` without `upsert` on a taken path. */
  | 'conflict'
  /** `signedUrl` of an object that does not exist. */
  | 'not_found'
  /** A range starting at or past the object's end. */
  | 'range_not_satisfiable'
  /** The store failed or refused (Supabase Storage down, a file system error). */
  | 'unavailable';

/** A storage failure with a stable code; `isStorageError` recognises it across module copies. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

export function isStorageError(error: unknown): error is StorageError {
  return error instanceof Error && error.name === 'StorageError' && typeof (error as StorageError).code === 'string';
}

/**
 * Cache-Control of public objects (covers): a year, the most HTTP caches keep anything. Safe because a
 * public object's path names its content (`covers/<book>/<content hash>/…`): a new cover gets a new path.
 */
export const PUBLIC_OBJECT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
