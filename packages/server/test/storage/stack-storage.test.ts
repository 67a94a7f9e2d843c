// The local stack wires storage end to end: the API stores in the stack's folder, signs URLs any process
// with the project's JWT secret can make, serves them under /functions/v1/api/v1/files, and the gateway
// serves public covers at /storage/v1/object/public/covers like Supabase.
import { describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { loadConfig } from '../../src/config/index.ts';
import { storageFromConfig } from '../../src/providers/storage/index.ts';

function stackStorage() {
  const stack = testStack();
  if (!stack.storageRoot) throw new Error('The test stack has no storage folder');
  const config = loadConfig({
    COKO_ENV: 'test',
    COKO_JWT_SECRET: stack.keys.jwtSecret,
    COKO_PUBLIC_URL: stack.url,
    STORAGE_LOCAL_ROOT: stack.storageRoot,
  });
  return storageFromConfig(config);
}

describe('storage on the local stack', () => {
  it('serves a signed book file through the gateway, resumable with Range', async () => {
    const storage = stackStorage();
    const bytes = new TextEncoder().encode('PK\u0003\u0004 an epub, more or less');
    await storage.put('books', 'stack-test/book.epub', bytes, { contentType: 'application/epub+zip', upsert: true });
    const url = await storage.signedUrl('books', 'stack-test/book.epub', { expiresIn: 300 });
    expect(url.startsWith(`${testStack().url}/functions/v1/api/v1/files/books/stack-test/book.epub?`)).toBe(true);

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const cacheControl = whole.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/^private, max-age=\d+$/);
    expect(Number(cacheControl.split('=')[1])).toBeLessThanOrEqual(300);

    const part = await fetch(url, { headers: { range: 'bytes=5-' } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(5));

    const forged = await fetch(url.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('PERMISSION_DENIED');
  });

  it('compresses whole text files through the gateway but never a range of them', async () => {
    const storage = stackStorage();
    const css = new TextEncoder().encode('p { margin: 0 0 1em; text-indent: 1.5em; }\n'.repeat(200));
    await storage.put('books', 'stack-test/epub/style.css', css, { contentType: 'text/css', upsert: true });
    const url = await storage.signedUrl('books', 'stack-test/epub/style.css', { expiresIn: 300 });

    const whole = await fetch(url, { headers: { 'accept-encoding': 'br' } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-encoding')).toBe('br');
    const weak = whole.headers.get('etag') ?? '';
    expect(weak).toMatch(/^W\/"/);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(css);
    expect((await fetch(url, { headers: { 'if-none-match': weak } })).status).toBe(304);

    const part = await fetch(url, { headers: { 'accept-encoding': 'br', range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-encoding')).toBeNull();
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(css.slice(100, 200));
    // A weak validator never resumes: the whole file comes back.
    expect((await fetch(url, { headers: { range: 'bytes=100-', 'if-range': weak } })).status).toBe(200);
  });

  it('serves public covers at Supabase’s public URL, never private books', async () => {
    const storage = stackStorage();
    const cover = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]);
    await storage.put('covers', 'stack-test/small.webp', cover, { contentType: 'image/webp', upsert: true });
    const url = storage.publicUrl('covers', 'stack-test/small.webp');
    expect(url).toBe(`${testStack().url}/storage/v1/object/public/covers/stack-test/small.webp`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(cover);

    const book = await fetch(`${testStack().url}/storage/v1/object/public/books/stack-test/book.epub`);
    expect(book.status).toBe(404);
  });
});
