import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBookFileError } from '../../src/content/book-file-error.ts';
import { attachDemoContent } from '../../src/content/demo/attach.ts';
import { DEMO_BOOKS, seedBookId } from '../../src/content/demo/catalog.ts';
import { generateDemoFile } from '../../src/content/demo/generate.ts';
import { publishBookFiles } from '../../src/content/publish.ts';
import { recordBookFiles } from '../../src/content/record-book-files.ts';
import type { WebPubManifest } from '../../src/content/webpub.ts';
import { TEST_DATABASE_URL } from '../app/helpers.ts';
import { demoShape, SAMPLE_BOOK, sampleEpub } from './fixtures.ts';
import { memoryStorage } from './memory-storage.ts';

const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'coko-demo-content-'));
});

afterAll(async () => {
  await pool.end();
  await rm(cacheDir, { recursive: true, force: true });
});

const paths = (storage: ReturnType<typeof memoryStorage>, bucket: string) =>
  [...storage.objects.values()]
    .map((stored) => stored.object)
    .filter((object) => object.bucket === bucket)
    .map((object) => object.path);

describe('publishBookFiles', () => {
  it('stores an EPUB by the contract layout: whole file, exploded files, manifest, two covers', async () => {
    const storage = memoryStorage();
    const bookId = seedBookId(2);
    const bytes = await sampleEpub();
    const files = await publishBookFiles(storage, bookId, bytes, 'epub');

    const inside = Object.keys(unzipSync(bytes)).filter((path) => path !== 'mimetype');
    expect(paths(storage, 'books').sort()).toEqual(
      [`${bookId}/book.epub`, `${bookId}/manifest.json`, ...inside.map((path) => `${bookId}/epub/${path}`)].sort(),
    );
    expect(paths(storage, 'covers').sort()).toEqual([`${bookId}/large.webp`, `${bookId}/small.webp`]);
    expect(files).toEqual({
      format: 'epub',
      filePath: `${bookId}/book.epub`,
      fileSize: bytes.length,
      coverPath: bookId,
      pageCount: expect.any(Number),
      manifestPath: `${bookId}/manifest.json`,
    });
    const stored = (path: string) => storage.objects.get(`books/${path}`);
    expect(Buffer.from(stored(files.filePath)?.body ?? []).equals(Buffer.from(bytes))).toBe(true);
    expect(stored(files.filePath)?.object.contentType).toBe('application/epub+zip');
    expect(stored(`${bookId}/epub/OEBPS/text/chapter-001.xhtml`)?.object.contentType).toBe('application/xhtml+xml');
    expect(stored(`${bookId}/epub/OEBPS/styles/book.css`)?.object.contentType).toBe('text/css');

    // Every href of the manifest names a stored file under epub/.
    const manifestObject = stored(`${bookId}/manifest.json`);
    expect(manifestObject?.object.contentType).toBe('application/webpub+json');
    const manifest = JSON.parse(new TextDecoder().decode(manifestObject?.body)) as WebPubManifest;
    for (const link of [...manifest.readingOrder, ...manifest.resources])
      expect(stored(`${bookId}/epub/${link.href}`), link.href).toBeDefined();
    expect(files.pageCount).toBe(manifest.metadata.numberOfPages);

    for (const [size, width] of [
      ['small', 240],
      ['large', 720],
    ] as const) {
      const cover = storage.objects.get(`covers/${bookId}/${size}.webp`);
      expect(cover?.object.contentType).toBe('image/webp');
      expect(cover?.cacheControl).toMatch(/^public, max-age=\d{6,}/);
      expect(await sharp(cover?.body).metadata()).toMatchObject({ format: 'webp', width });
    }
  });

  it('removes the files of a previous version that the new one lacks', async () => {
    const storage = memoryStorage();
    const bookId = seedBookId(2);
    await publishBookFiles(storage, bookId, await generateDemoFile(SAMPLE_BOOK, demoShape(1)), 'epub');
    expect(paths(storage, 'books')).toContain(`${bookId}/epub/OEBPS/text/chapter-008.xhtml`);
    await publishBookFiles(storage, bookId, await sampleEpub(), 'epub');
    expect(paths(storage, 'books')).not.toContain(`${bookId}/epub/OEBPS/text/chapter-008.xhtml`);
    expect(paths(storage, 'books')).toContain(`${bookId}/epub/OEBPS/text/chapter-005.xhtml`);
  });

  it('stores a PDF whole, with drawn covers and its page count', async () => {
    const storage = memoryStorage();
    const bookId = seedBookId(6);
    const bytes = await generateDemoFile({ ...SAMPLE_BOOK, id: bookId }, demoShape(6));
    const files = await publishBookFiles(storage, bookId, bytes, 'pdf');
    expect(files).toMatchObject({
      format: 'pdf',
      filePath: `${bookId}/book.pdf`,
      manifestPath: null,
      fileSize: bytes.length,
    });
    expect(files.pageCount).toBeGreaterThan(5);
    expect(paths(storage, 'books')).toEqual([`${bookId}/book.pdf`]);
    expect(paths(storage, 'covers').sort()).toEqual([`${bookId}/large.webp`, `${bookId}/small.webp`]);
  });

  it('refuses a file that is not what its format says, before writing anything', async () => {
    const storage = memoryStorage();
    const notAnEpub = new TextEncoder().encode('just text');
    await expect(publishBookFiles(storage, seedBookId(2), notAnEpub, 'epub')).rejects.toSatisfy(isBookFileError);
    await expect(publishBookFiles(storage, seedBookId(2), await sampleEpub(), 'pdf')).rejects.toMatchObject({
      reason: 'NOT_A_PDF',
    });
    expect(storage.objects.size).toBe(0);
  });
});

describe('recordBookFiles', () => {
  it('points the book row at its files and says whether the book exists', async () => {
    const bookId = seedBookId(3);
    const files = {
      format: 'epub',
      filePath: `${bookId}/book.epub`,
      fileSize: 1234,
      coverPath: bookId,
      pageCount: null,
      manifestPath: null,
    } as const;
    const before = await pool.query<{ page_count: number }>('select page_count from public.books where id = $1', [
      bookId,
    ]);
    expect(await recordBookFiles(pool, bookId, files)).toBe(true);
    const { rows } = await pool.query(
      'select file_path, format, file_size, cover_path, page_count from public.books where id = $1',
      [bookId],
    );
    // No page list: the catalog's page count stays.
    expect(rows[0]).toEqual({
      file_path: files.filePath,
      format: 'epub',
      file_size: '1234',
      cover_path: bookId,
      page_count: before.rows[0]?.page_count,
    });
    expect(await recordBookFiles(pool, '00000000-0000-4000-8000-00000000dead', files)).toBe(false);
  });
});

describe('attachDemoContent', () => {
  it('gives the free and paid demo seed books real files once, then leaves them alone', async () => {
    const storage = memoryStorage();
    const first = await attachDemoContent({ db: pool, storage, cacheDir });
    // Every demo book was found by its seed id: seedBookId computes what supabase/seed.sql did.
    expect(first.attached.sort()).toEqual(DEMO_BOOKS.map((book) => seedBookId(book.seed)).sort());
    expect(first.unchanged).toEqual([]);

    const { rows } = await pool.query<{
      id: string;
      is_free: boolean;
      format: string;
      file_path: string;
      file_size: string;
      cover_path: string;
      page_count: number;
    }>(
      'select id, is_free, format, file_path, file_size, cover_path, page_count from public.books where id = any($1::uuid[])',
      [first.attached],
    );
    for (const row of rows) {
      const shape = DEMO_BOOKS.find((book) => seedBookId(book.seed) === row.id);
      expect(row.format).toBe(shape?.format);
      expect(row.file_path).toBe(`${row.id}/book.${shape?.format}`);
      expect(Number(row.file_size)).toBe(storage.objects.get(`books/${row.file_path}`)?.object.size);
      expect(row.cover_path).toBe(row.id);
      expect(storage.objects.has(`covers/${row.id}/small.webp`)).toBe(true);
    }
    expect(rows.filter((row) => row.is_free).length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((row) => !row.is_free).length).toBeGreaterThanOrEqual(2);
    expect(rows.find((row) => row.id === seedBookId(4))?.page_count).toBeGreaterThanOrEqual(280);
    expect((await readdir(cacheDir)).filter((file) => !file.endsWith('.tmp'))).toHaveLength(DEMO_BOOKS.length);

    const second = await attachDemoContent({ db: pool, storage, cacheDir });
    expect(second).toEqual({ attached: [], unchanged: expect.arrayContaining(first.attached) });

    // Files gone from storage (a wiped .coko/storage) are published again, from the cache.
    await storage.remove('books', [`${seedBookId(8)}/book.epub`]);
    const third = await attachDemoContent({ db: pool, storage, cacheDir });
    expect(third.attached).toEqual([seedBookId(8)]);
  });
});
