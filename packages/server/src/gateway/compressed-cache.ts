/**
 * Compressed bodies the gateway already produced, keyed by what they encode: the body's weak ETag (a
 * hash of its bytes, see `cache.ts`) and the encoding. A page of the catalog asked again — by another
 * reader, or the same one paging back — is sent as the bytes compressed the first time instead of
 * running brotli again (~0.2 ms of the event loop for a 6.6 kB page, most of what the gateway adds to
 * a request). The key is the content, so an entry is never stale: a changed page has another ETag.
 *
 * Bounded in bytes (least recently used entries go first) and per entry, so memory stays flat whatever
 * the traffic; each process of a cluster has its own.
 */

export interface CompressedCacheOptions {
  /** Total compressed bytes kept. Default 8 MiB (a few thousand list pages). */
  maxBytes?: number;
  /** Larger compressed bodies are not kept (their compression is already off the event loop). Default 64 KiB. */
  maxEntryBytes?: number;
}

export interface CompressedCache {
  get(key: string): Uint8Array<ArrayBuffer> | undefined;
  set(key: string, body: Uint8Array<ArrayBuffer>): void;
  /** Compressed bytes held now. */
  readonly bytes: number;
  readonly size: number;
}

export function createCompressedCache(options: CompressedCacheOptions = {}): CompressedCache {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxEntryBytes = Math.min(options.maxEntryBytes ?? 64 * 1024, maxBytes);
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<string, Uint8Array<ArrayBuffer>>();
  let bytes = 0;
  return {
    get(key) {
      const body = entries.get(key);
      if (body === undefined) return undefined;
      entries.delete(key);
      entries.set(key, body);
      return body;
    },
    set(key, body) {
      if (body.byteLength > maxEntryBytes) return;
      const previous = entries.get(key);
      if (previous !== undefined) {
        bytes -= previous.byteLength;
        entries.delete(key);
      }
      entries.set(key, body);
      bytes += body.byteLength;
      for (const [oldest, old] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= old.byteLength;
      }
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
  };
}
