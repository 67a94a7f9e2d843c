import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, PUBLIC_OBJECT_CACHE_CONTROL, postgrestUpstream } from '../../src/gateway/index.ts';
import { type LocalFiles, localFiles } from './helpers.ts';

const KEYS = { publishableKey: 'sb_publishable_test', secretKey: 'sb_secret_test' };
const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]);

describe('the gateway serves public covers from local storage', () => {
  let files: LocalFiles;
  afterEach(() => files.close());

  async function gateway() {
    files = localFiles();
    await files.storage.put('covers', 'b1/small.webp', webp, { contentType: 'image/webp' });
    await files.storage.put('books', 'b1/book.epub', webp, { contentType: 'application/epub+zip' });
    return createGateway({
      // Never reached: these tests stay under /storage/v1.
      rest: postgrestUpstream({ url: 'http://127.0.0.1:9', anonJwt: 'anon', serviceRoleJwt: 'service' }),
      keys: KEYS,
      functions: { fetch: () => new Response(null, { status: 204 }) },
      publicStorage: { storage: files.storage },
    });
  }

  it('with year-long immutable caching, an ETag and 304 on revalidation', async () => {
    const app = await gateway();
    const response = await app.request('/storage/v1/object/public/covers/b1/small.webp');
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(webp);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('cache-control')).toBe(PUBLIC_OBJECT_CACHE_CONTROL);
    expect(PUBLIC_OBJECT_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const etag = response.headers.get('etag')!;
    const again = await app.request('/storage/v1/object/public/covers/b1/small.webp', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe(PUBLIC_OBJECT_CACHE_CONTROL);
    expect((await app.request(storageUrl(files.storage.publicUrl('covers', 'b1/small.webp')))).status).toBe(200);
  });

  it('answers HEAD and single ranges like the files route', async () => {
    const app = await gateway();
    const head = await app.request('/storage/v1/object/public/covers/b1/small.webp', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(webp.byteLength));
    const range = await app.request('/storage/v1/object/public/covers/b1/small.webp', {
      headers: { range: 'bytes=0-3' },
    });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe('RIFF');
    const past = await app.request('/storage/v1/object/public/covers/b1/small.webp', {
      headers: { range: 'bytes=99-' },
    });
    expect(past.status).toBe(416);
    expect(((await past.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');
  });

  it.each([
    ['a private bucket', '/storage/v1/object/public/books/b1/book.epub'],
    ['a missing cover', '/storage/v1/object/public/covers/b1/large.webp'],
    ['an escaping path', '/storage/v1/object/public/covers/b1/%2E%2E/%2E%2E/books/b1/book.epub'],
    ['a NUL in the path', '/storage/v1/object/public/covers/b1/a%00b'],
    ['an authenticated object route', '/storage/v1/object/books/b1/book.epub'],
    ['a signed object route', '/storage/v1/object/sign/books/b1/book.epub'],
  ])('refuses %s with 404 in the error format', async (_what, path) => {
    const app = await gateway();
    const response = await app.request(path);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; id: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(response.headers.get('x-request-id')).toBe(body.error.id);
  });

  it('does not take writes', async () => {
    const app = await gateway();
    const response = await app.request('/storage/v1/object/public/covers/b1/small.webp', { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    expect(await files.storage.head('covers', 'b1/small.webp')).toMatchObject({ size: webp.byteLength });
  });
});

/** The path of a public URL built without an origin (the adapter's default outside a stack). */
function storageUrl(url: string): string {
  return new URL(url, 'http://gateway.local').pathname;
}
