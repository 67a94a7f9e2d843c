// The gateway's cache of compressed bodies (src/gateway/compressed-cache.ts): what it returns is the
// same bytes compression would produce, per encoding, and its memory stays within its bound.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { weakEtag } from '../../src/gateway/cache.ts';
import { compressBody } from '../../src/gateway/compress.ts';
import { createCompressedCache } from '../../src/gateway/compressed-cache.ts';

const page = (offset: number) =>
  new Uint8Array(
    Buffer.from(
      JSON.stringify(
        Array.from({ length: 40 }, (_, i) => ({ id: offset + i, title: `Contes de la savane, tome ${offset + i}` })),
      ),
    ),
  );

async function compressed(
  store: ReturnType<typeof createCompressedCache>,
  body: Uint8Array<ArrayBuffer>,
  encoding: 'br' | 'gzip',
) {
  const headers = new Headers({ 'content-type': 'application/json' });
  const bytes = await compressBody(body, encoding, headers, { cache: { store, key: weakEtag(body, null) } });
  return { bytes: Buffer.from(bytes), headers };
}

describe('the compressed-body cache', () => {
  it('answers a page asked again with the same bytes as compressing it afresh, headers alike', async () => {
    const store = createCompressedCache();
    const body = page(0);
    const first = await compressed(store, body, 'br');
    expect(store.size).toBe(1);
    const again = await compressed(store, body, 'br');
    const uncached = await compressBody(body, 'br', new Headers({ 'content-type': 'application/json' }));
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(again.bytes.equals(Buffer.from(uncached))).toBe(true);
    expect(brotliDecompressSync(again.bytes).equals(Buffer.from(body))).toBe(true);
    for (const response of [first, again]) {
      expect(response.headers.get('content-encoding')).toBe('br');
      expect(response.headers.get('vary')).toBe('accept-encoding');
    }
  });

  it('a hit is not compressed again: what the store holds for the key is what is sent', async () => {
    const store = createCompressedCache();
    const body = page(40);
    const key = weakEtag(body, null);
    const kept = new Uint8Array(Buffer.from('kept bytes'));
    store.set(`br ${key}`, kept);
    const headers = new Headers({ 'content-type': 'application/json' });
    expect(await compressBody(body, 'br', headers, { cache: { store, key } })).toBe(kept);
    expect(headers.get('content-encoding')).toBe('br');
  });

  it('keeps each encoding apart: a gzip client never gets the brotli bytes', async () => {
    const store = createCompressedCache();
    const body = page(20);
    const br = await compressed(store, body, 'br');
    const gzip = await compressed(store, body, 'gzip');
    expect(store.size).toBe(2);
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(gzip.bytes).equals(Buffer.from(body))).toBe(true);
    expect(brotliDecompressSync(br.bytes).equals(Buffer.from(body))).toBe(true);
    expect(gzip.bytes.equals(br.bytes)).toBe(false);
  });

  it('a different body (another ETag) is compressed anew', async () => {
    const store = createCompressedCache();
    const one = await compressed(store, page(0), 'br');
    const other = await compressed(store, page(1), 'br');
    expect(store.size).toBe(2);
    expect(brotliDecompressSync(other.bytes).equals(Buffer.from(page(1)))).toBe(true);
    expect(other.bytes.equals(one.bytes)).toBe(false);
  });

  it('keeps nothing under the compression threshold', async () => {
    const store = createCompressedCache();
    const small = new Uint8Array(Buffer.from('[{"id":1}]'));
    const { bytes, headers } = await compressed(store, small, 'br');
    expect(bytes.equals(Buffer.from(small))).toBe(true);
    expect(headers.get('content-encoding')).toBeNull();
    expect(store.size).toBe(0);
  });

  it('stays within its byte bound, dropping the least recently used entry first', () => {
    const store = createCompressedCache({ maxBytes: 300, maxEntryBytes: 200 });
    const bytes = (n: number) => new Uint8Array(n);
    store.set('a', bytes(100));
    store.set('b', bytes(100));
    store.set('c', bytes(100));
    expect(store.get('a')).toBeDefined(); // a is now the most recently used
    store.set('d', bytes(100)); // 400 > 300: b, the least recently used, goes
    expect(store.bytes).toBe(300);
    expect(store.get('b')).toBeUndefined();
    expect([store.get('a'), store.get('c'), store.get('d')].every(Boolean)).toBe(true);
    store.set('huge', bytes(201)); // over the per-entry bound: not kept, nothing evicted
    expect(store.get('huge')).toBeUndefined();
    expect(store.size).toBe(3);
    store.set('a', bytes(50)); // replacing an entry counts its new size only
    expect(store.bytes).toBe(250);
    for (let i = 0; i < 1000; i++) store.set(`k${i}`, bytes(7));
    expect(store.bytes).toBeLessThanOrEqual(300);
  });
});
