// The gateway's compression as a response middleware: pages in place, large bodies on the thread pool,
// answers the proxy already negotiated left as they are.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { compressResponses } from '../../src/gateway/compress.ts';

const rows = (count: number) =>
  JSON.stringify(Array.from({ length: count }, (_, i) => ({ id: i, title: `Une histoire de la ville ${i}` })));

function app(body: string, headers: Record<string, string> = {}) {
  const hono = new Hono();
  hono.use('*', compressResponses());
  hono.get('/', (c) => c.body(body, 200, { 'content-type': 'application/json', ...headers }));
  return hono;
}

async function bytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

describe('compressResponses', () => {
  it('brotli-compresses a page in place and a body over 64 KiB on the thread pool, both decoding to the original', async () => {
    for (const body of [rows(40), rows(4000)]) {
      const response = await app(body).request('/', { headers: { 'accept-encoding': 'gzip, br' } });
      expect(response.headers.get('content-encoding')).toBe('br');
      expect(response.headers.get('vary')).toContain('accept-encoding');
      expect(response.headers.get('content-length')).toBeNull();
      expect(brotliDecompressSync(await bytes(response)).toString()).toBe(body);
    }
    expect(Buffer.byteLength(rows(4000))).toBeGreaterThan(64 * 1024);
  });

  it('falls back to gzip, and weakens a strong ETag', async () => {
    const body = rows(4000);
    const response = await app(body, { etag: '"v1"' }).request('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('etag')).toBe('W/"v1"');
    expect(gunzipSync(await bytes(response)).toString()).toBe(body);
  });

  it('sends a body under 1 KiB as it is, saying it varies with Accept-Encoding', async () => {
    const response = await app(rows(2)).request('/', { headers: { 'accept-encoding': 'br' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('vary')).toBe('accept-encoding');
    expect((await bytes(response)).toString()).toBe(rows(2));
  });

  it('leaves an answer already negotiated (Vary: accept-encoding) untouched', async () => {
    const body = rows(40);
    const response = await app(body, { vary: 'accept-encoding' }).request('/', {
      headers: { 'accept-encoding': 'br' },
    });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect((await bytes(response)).toString()).toBe(body);
  });
});
