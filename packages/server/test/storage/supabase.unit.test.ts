import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storageFromConfig, supabaseStorage } from '../../src/providers/storage/index.ts';
import { testConfig } from '../app/helpers.ts';
import { describeStorageContract } from './contract.ts';
import { type StorageModel, supabaseStorageModel } from './supabase-storage-model.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function useModel(): StorageModel {
  const model = supabaseStorageModel();
  server.use(...model.handlers);
  return model;
}

describeStorageContract('Supabase Storage (REST model)', async () => {
  const model = useModel();
  return {
    storage: supabaseStorage({ url: model.url, serviceRoleKey: model.serviceRoleKey }),
    fetchSigned: (url, init) => fetch(url, init),
    close: async () => {},
  };
});

describe('Supabase Storage adapter', () => {
  it('is what STORAGE=supabase builds, and signs with Storage itself', async () => {
    const model = useModel();
    const config = testConfig({
      STORAGE: 'supabase',
      SUPABASE_URL: model.url,
      SUPABASE_SERVICE_ROLE_KEY: model.serviceRoleKey,
    });
    const storage = storageFromConfig(config);
    await storage.put('books', 'b/book.epub', new Uint8Array([1]), { contentType: 'application/epub+zip' });
    const url = await storage.signedUrl('books', 'b/book.epub', { expiresIn: 60 });
    expect(url.startsWith(`${model.url}/storage/v1/object/sign/books/b/book.epub?token=`)).toBe(true);
    expect(storage.publicUrl('covers', 'b/small.webp')).toBe(
      `${model.url}/storage/v1/object/public/covers/b/small.webp`,
    );
    expect(model.calls).toContain('POST /object/books/b/book.epub');
  });

  it('lists nested folders level by level and pages through large folders', async () => {
    const model = useModel();
    const storage = supabaseStorage({ url: model.url, serviceRoleKey: model.serviceRoleKey });
    const objects = model.buckets.get('books')!.objects;
    for (let i = 0; i < 1005; i++) {
      objects.set(`big/epub/r${String(i).padStart(4, '0')}.xhtml`, {
        id: `id-${i}`,
        bytes: new Uint8Array([i % 256]),
        contentType: 'application/xhtml+xml',
        cacheControl: 'no-cache',
        etag: `"e${i}"`,
        lastModified: new Date(0),
      });
    }
    const listed = await storage.list('books', 'big');
    expect(listed).toHaveLength(1005);
    expect(listed[1004]?.path).toBe('big/epub/r1004.xhtml');
    expect(model.calls.filter((call) => call === 'POST /object/list/books')).toHaveLength(3);
  });

  it('reports a refused key or an unreachable Storage as storage errors, never raw failures', async () => {
    const model = useModel();
    const wrongKey = supabaseStorage({ url: model.url, serviceRoleKey: 'sb_secret_wrong' });
    await expect(wrongKey.list('books', '')).rejects.toMatchObject({ name: 'StorageError', code: 'unavailable' });
    const down = supabaseStorage({
      url: model.url,
      serviceRoleKey: model.serviceRoleKey,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(down.head('books', 'x')).rejects.toMatchObject({ name: 'StorageError', code: 'unavailable' });
  });
});
