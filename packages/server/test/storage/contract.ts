// The storage contract (docs/CONTRACT-payments.md §4): every adapter runs this same suite, the local one
// on a temporary folder and the Supabase one against a model of Storage's REST API (msw).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStorageError, type StoragePort } from '../../src/providers/storage/index.ts';

export interface ContractSubject {
  storage: StoragePort;
  /** Reads a signed URL the way a reader's device would (through the API route or Storage itself). */
  fetchSigned(url: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

const bytes = (text: string) => new TextEncoder().encode(text);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function storageErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isStorageError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a StorageError');
}

export function describeStorageContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`storage contract: ${name}`, () => {
    let subject: ContractSubject;
    let storage: StoragePort;
    beforeEach(async () => {
      subject = await open();
      storage = subject.storage;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('stores an object and describes it', async () => {
      const stored = await storage.put('books', 'b1/book.epub', bytes('hello world'), {
        contentType: 'application/epub+zip',
      });
      expect(stored).toMatchObject({
        bucket: 'books',
        path: 'b1/book.epub',
        size: 11,
        contentType: 'application/epub+zip',
      });
      expect(stored.etag).toMatch(/^"[^"]+"$/);
      expect(stored.updatedAt).toBeInstanceOf(Date);
      const head = await storage.head('books', 'b1/book.epub');
      expect(head).toMatchObject({ size: 11, contentType: 'application/epub+zip', etag: stored.etag });
    });

    it('gives equal bytes the same ETag and other bytes another', async () => {
      const a = await storage.put('books', 'a.txt', bytes('same'), { contentType: 'text/plain' });
      const b = await storage.put('books', 'b.txt', bytes('same'), { contentType: 'text/plain' });
      const c = await storage.put('books', 'c.txt', bytes('other'), { contentType: 'text/plain' });
      expect(a.etag).toBe(b.etag);
      expect(c.etag).not.toBe(a.etag);
    });

    it('refuses to overwrite without upsert, and replaces with it', async () => {
      await storage.put('covers', 'b1/small.webp', bytes('v1'), { contentType: 'image/webp' });
      expect(
        await storageErrorOf(storage.put('covers', 'b1/small.webp', bytes('v2'), { contentType: 'image/webp' })),
      ).toBe('conflict');
      expect(await readAll((await storage.get('covers', 'b1/small.webp'))!.body)).toBe('v1');
      const replaced = await storage.put('covers', 'b1/small.webp', bytes('version 2'), {
        contentType: 'image/webp',
        upsert: true,
      });
      expect(replaced.size).toBe(9);
      expect(await readAll((await storage.get('covers', 'b1/small.webp'))!.body)).toBe('version 2');
    });

    it('reads the whole object or one range of it', async () => {
      await storage.put('books', 'b1/book.pdf', bytes('0123456789'), { contentType: 'application/pdf' });
      const whole = await storage.get('books', 'b1/book.pdf');
      expect(whole?.range).toBeUndefined();
      expect(await readAll(whole!.body)).toBe('0123456789');

      const middle = await storage.get('books', 'b1/book.pdf', { range: { start: 2, end: 5 } });
      expect(middle?.range).toEqual({ start: 2, end: 5 });
      expect(middle?.object.size).toBe(10);
      expect(await readAll(middle!.body)).toBe('2345');

      const tail = await storage.get('books', 'b1/book.pdf', { range: { start: 7 } });
      expect(tail?.range).toEqual({ start: 7, end: 9 });
      expect(await readAll(tail!.body)).toBe('789');

      const clamped = await storage.get('books', 'b1/book.pdf', { range: { start: 8, end: 100 } });
      expect(clamped?.range).toEqual({ start: 8, end: 9 });
      expect(await readAll(clamped!.body)).toBe('89');

      expect(await storageErrorOf(storage.get('books', 'b1/book.pdf', { range: { start: 10 } }))).toBe(
        'range_not_satisfiable',
      );
    });

    it('answers null for an object that does not exist', async () => {
      expect(await storage.head('books', 'nothing/here.epub')).toBeNull();
      expect(await storage.get('books', 'nothing/here.epub')).toBeNull();
    });

    it('lists a folder recursively, sorted by path', async () => {
      for (const path of ['b2/epub/OEBPS/ch2.xhtml', 'b2/book.epub', 'b2/epub/OEBPS/ch1.xhtml', 'b3/book.epub']) {
        await storage.put('books', path, bytes(path), { contentType: 'application/octet-stream' });
      }
      const listed = await storage.list('books', 'b2');
      expect(listed.map((object) => object.path)).toEqual([
        'b2/book.epub',
        'b2/epub/OEBPS/ch1.xhtml',
        'b2/epub/OEBPS/ch2.xhtml',
      ]);
      expect(listed[0]).toMatchObject({ bucket: 'books', size: 'b2/book.epub'.length });
      expect((await storage.list('books', 'b2/')).length).toBe(3);
      expect((await storage.list('books', '')).map((object) => object.path)).toContain('b3/book.epub');
      expect(await storage.list('books', 'no-such-folder')).toEqual([]);
    });

    it('removes objects and ignores paths without one', async () => {
      await storage.put('books', 'b4/a', bytes('a'), { contentType: 'text/plain' });
      await storage.put('books', 'b4/b', bytes('b'), { contentType: 'text/plain' });
      await storage.remove('books', ['b4/a', 'b4/missing']);
      expect(await storage.head('books', 'b4/a')).toBeNull();
      expect(await storage.head('books', 'b4/b')).not.toBeNull();
      expect((await storage.list('books', 'b4')).map((object) => object.path)).toEqual(['b4/b']);
    });

    it('refuses paths that could escape or confuse the store', async () => {
      for (const path of ['../etc/passwd', 'a/../../b', '/absolute', 'a\u0000b', 'a//b', '', './a', 'a\\b']) {
        expect(await storageErrorOf(storage.put('books', path, bytes('x'), { contentType: 'text/plain' })), path).toBe(
          'invalid_path',
        );
        expect(await storageErrorOf(storage.head('books', path)), path).toBe('invalid_path');
      }
      expect(await storageErrorOf(storage.head('Books!', 'a'))).toBe('invalid_path');
      expect(await storageErrorOf(storage.list('books', '../'))).toBe('invalid_path');
    });

    it('signs URLs that read the object without credentials, with ranges', async () => {
      await storage.put('books', 'b5/chapitre 1.xhtml', bytes('<p>Bonjour</p>'), {
        contentType: 'application/xhtml+xml',
      });
      const url = await storage.signedUrl('books', 'b5/chapitre 1.xhtml', { expiresIn: 600 });
      const response = await subject.fetchSigned(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('<p>Bonjour</p>');
      const ranged = await subject.fetchSigned(url, { headers: { range: 'bytes=3-9' } });
      expect(ranged.status).toBe(206);
      expect(await ranged.text()).toBe('Bonjour');
      expect(await storageErrorOf(storage.signedUrl('books', 'b5/missing', { expiresIn: 600 }))).toBe('not_found');
    });

    it('builds public URLs in Supabase Storage layout', () => {
      expect(storage.publicUrl('covers', 'b7/small.webp')).toMatch(
        /\/storage\/v1\/object\/public\/covers\/b7\/small\.webp$/,
      );
      expect(storage.publicUrl('covers', 'b7/a b.webp')).toMatch(/\/covers\/b7\/a%20b\.webp$/);
    });
  });
}
