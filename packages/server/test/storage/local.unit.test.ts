import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storageFromConfig } from '../../src/providers/storage/index.ts';
import { describeStorageContract } from './contract.ts';
import { type LocalFiles, localFiles } from './helpers.ts';

describeStorageContract('local filesystem', async () => {
  const files = localFiles();
  return {
    storage: files.storage,
    fetchSigned: (url, init) => Promise.resolve(files.app.request(url, init)),
    close: async () => files.close(),
  };
});

describe('local storage on disk', () => {
  let files: LocalFiles | undefined;
  afterEach(() => files?.close());

  it('writes through a temporary file and leaves none behind', async () => {
    files = localFiles();
    await files.storage.put('books', 'b/book.epub', new Uint8Array([1, 2, 3]), { contentType: 'application/epub+zip' });
    expect(readFileSync(join(files.root, 'objects', 'books', 'b', 'book.epub'))).toEqual(Buffer.from([1, 2, 3]));
    expect(readdirSync(join(files.root, 'tmp'))).toEqual([]);
  });

  it('recomputes the ETag when a file was changed behind its back', async () => {
    files = localFiles();
    const stored = await files.storage.put('books', 'b/x.txt', new TextEncoder().encode('one'), {
      contentType: 'text/plain',
    });
    writeFileSync(join(files.root, 'objects', 'books', 'b', 'x.txt'), 'two, longer');
    const head = await files.storage.head('books', 'b/x.txt');
    expect(head?.size).toBe(11);
    expect(head?.etag).not.toBe(stored.etag);
    expect(head?.contentType).toBe('text/plain');
  });

  it('ends concurrent writes of one path with one whole version', async () => {
    files = localFiles();
    const versions = Array.from({ length: 8 }, (_, i) =>
      new TextEncoder().encode(`version ${i} `.repeat(1000 * (i + 1))),
    );
    await Promise.all(
      versions.map((body) =>
        files!.storage.put('books', 'b/race.txt', body, { contentType: 'text/plain', upsert: true }),
      ),
    );
    const got = await files.storage.get('books', 'b/race.txt');
    const text = await new Response(got!.body).text();
    expect(versions.map((body) => new TextDecoder().decode(body))).toContain(text);
    expect(got?.object.size).toBe(new TextEncoder().encode(text).byteLength);
  });

  it('refuses an object where a folder of objects is, and the reverse', async () => {
    files = localFiles();
    await files.storage.put('books', 'b/folder/a', new Uint8Array([1]), { contentType: 'text/plain' });
    await expect(
      files.storage.put('books', 'b/folder', new Uint8Array([1]), { contentType: 'text/plain', upsert: true }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      files.storage.put('books', 'b/folder/a/deeper', new Uint8Array([1]), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('signs URLs any process with the same JWT secret can verify', async () => {
    files = localFiles();
    await files.storage.put('books', 'b/book.epub', new Uint8Array([9, 9]), { contentType: 'application/epub+zip' });
    // Another process: its own adapter, built from the same configuration.
    const other = storageFromConfig(files.config, { now: () => files!.clock.now });
    const url = await other.signedUrl('books', 'b/book.epub', { expiresIn: 60 });
    const response = await files.app.request(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([9, 9]));
  });
});
