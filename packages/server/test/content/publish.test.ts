import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
import { localStorage } from '../../src/providers/storage/local.ts';
import type { StoragePort } from '../../src/providers/storage/port.ts';
import { createUrlSigner } from '../../src/providers/storage/signing.ts';
import { TEST_DATABASE_URL } from '../app/helpers.ts';
import { demoShape, SAMPLE_BOOK, sampleEpub } from './fixtures.ts';

const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
let dir: string;
let cacheDir: string;
let storages = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coko-content-'));
  cacheDir = join(dir, 'demo-content');
});

afterAll(async () => {
  await pool.end();
  await rm(dir, { recursive: true, force: true });
});

/** The local storage adapter in a fresh folder. */
function tempStorage(): StoragePort {
  storages += 1;
  return localStorage({
    root: join(dir, `storage-${storages}`),
    signer: createUrlSigner('a test signing secret of at least 32 characters'),
    filesUrl: 'http://files.test/v1/files',
  });
}

async function paths(storage: StoragePort, bucket: string): Promise<string[]> {
  return (await storage.list(bucket, '')).map((object) => object.path);
}

async function bytesOf(storage: StoragePort, bucket: string, path: string): Promise<Uint8Array> {
  const found = await storage.get(bucket, path);
  if (!found) throw new Error(`no ${bucket}/${path}`);
  return new Uint8Array(await new Response(found.body).arrayBuffer());
}

describe('publishBookFiles', () => {
  it('stores an EPUB by the contract layout: whole file, exploded files, manifest, two covers', async () => {
    const storage = tempStorage();
    const bookId = seedBookId(2);
    const bytes = await sampleEpub();
    const files = await publishBookFiles(storage, bookId, bytes, 'epub');

    const inside = Object.keys(unzipSync(bytes)).filter((path) => path !== 'mimetype');
    expect((await paths(storage, 'books')).sort()).toEqual(
      [`${bookId}/book.epub`, `${bookId}/manifest.json`, ...inside.map((path) => `${bookId}/epub/${path}`)].sort(),
    );
    // The cover folder names its content, so a new cover gets a new (immutable, cacheable) URL.
    expect(files.coverPath).toMatch(new RegExp(`^${bookId}/[0-9a-f]{16}$`));
    expect((await paths(storage, 'covers')).sort()).toEqual([
      `${files.coverPath}/large.webp`,
      `${files.coverPath}/small.webp`,
    ]);
    expect(files).toEqual({
      format: 'epub',
      filePath: `${bookId}/book.epub`,
      fileSize: bytes.length,
      coverPath: files.coverPath,
      pageCount: expect.any(Number),
      manifestPath: `${bookId}/manifest.json`,
    });
    expect(Buffer.from(await bytesOf(storage, 'books', files.filePath)).equals(Buffer.from(bytes))).toBe(true);
    const head = (path: string) => storage.head('books', path);
    expect((await head(files.filePath))?.contentType).toBe('application/epub+zip');
    expect((await head(`${bookId}/epub/OEBPS/text/chapter-001.xhtml`))?.contentType).toBe('application/xhtml+xml');
    expect((await head(`${bookId}/epub/OEBPS/styles/book.css`))?.contentType).toBe('text/css');

    // Every href of the manifest names a stored file under epub/.
    expect((await head(`${bookId}/manifest.json`))?.contentType).toBe('application/webpub+json');
    const manifest = JSON.parse(
      new TextDecoder().decode(await bytesOf(storage, 'books', `${bookId}/manifest.json`)),
    ) as WebPubManifest;
    for (const link of [...manifest.readingOrder, ...manifest.resources])
      expect(await head(`${bookId}/epub/${link.href}`), link.href).not.toBeNull();
    expect(files.pageCount).toBe(manifest.metadata.numberOfPages);

    for (const [size, width] of [
      ['small', 240],
      ['large', 720],
    ] as const) {
      const cover = await storage.head('covers', `${files.coverPath}/${size}.webp`);
      expect(cover?.contentType).toBe('image/webp');
      expect(cover?.cacheControl).toMatch(/^public, max-age=\d{6,}/);
      expect(await sharp(await bytesOf(storage, 'covers', `${files.coverPath}/${size}.webp`)).metadata()).toMatchObject(
        {
          format: 'webp',
          width,
        },
      );
    }
  });

  it('removes the files of a previous version that the new one lacks', async () => {
    const storage = tempStorage();
    const bookId = seedBookId(2);
    await publishBookFiles(storage, bookId, await generateDemoFile(SAMPLE_BOOK, demoShape(1)), 'epub');
    expect(await paths(storage, 'books')).toContain(`${bookId}/epub/OEBPS/text/chapter-008.xhtml`);
    await publishBookFiles(storage, bookId, await sampleEpub(), 'epub');
    expect(await paths(storage, 'books')).not.toContain(`${bookId}/epub/OEBPS/text/chapter-008.xhtml`);
    expect(await paths(storage, 'books')).toContain(`${bookId}/epub/OEBPS/text/chapter-005.xhtml`);
  });

  it('stores a PDF whole, with drawn covers and its page count', async () => {
    const storage = tempStorage();
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
    expect(await paths(storage, 'books')).toEqual([`${bookId}/book.pdf`]);
    expect((await paths(storage, 'covers')).sort()).toEqual([
      `${files.coverPath}/large.webp`,
      `${files.coverPath}/small.webp`,
    ]);
  });

  it('gives a new cover a new folder and removes the old one', async () => {
    const storage = tempStorage();
    const bookId = seedBookId(2);
    const first = await publishBookFiles(storage, bookId, await sampleEpub(), 'epub');
    const pdf = await generateDemoFile({ ...SAMPLE_BOOK, id: bookId, title: 'Un autre titre' }, demoShape(6));
    const second = await publishBookFiles(storage, bookId, pdf, 'pdf');
    expect(second.coverPath).not.toBe(first.coverPath);
    expect((await paths(storage, 'covers')).sort()).toEqual([
      `${second.coverPath}/large.webp`,
      `${second.coverPath}/small.webp`,
    ]);
  });

  it('refuses a file that is not what its format says, before writing anything', async () => {
    const storage = tempStorage();
    const notAnEpub = new TextEncoder().encode('just text');
    await expect(publishBookFiles(storage, seedBookId(2), notAnEpub, 'epub')).rejects.toSatisfy(isBookFileError);
    await expect(publishBookFiles(storage, seedBookId(2), await sampleEpub(), 'pdf')).rejects.toMatchObject({
      reason: 'NOT_A_PDF',
    });
    expect([...(await paths(storage, 'books')), ...(await paths(storage, 'covers'))]).toEqual([]);
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
    const storage = tempStorage();
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
      expect(Number(row.file_size)).toBe((await storage.head('books', row.file_path))?.size);
      expect(row.cover_path).toMatch(new RegExp(`^${row.id}/[0-9a-f]{16}$`));
      expect(await storage.head('covers', `${row.cover_path}/small.webp`)).not.toBeNull();
    }
    expect(rows.filter((row) => row.is_free).length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((row) => !row.is_free).length).toBeGreaterThanOrEqual(2);
    expect(rows.find((row) => row.id === seedBookId(4))?.page_count).toBeGreaterThanOrEqual(280);
    const generated = (await readdir(cacheDir)).filter((file) => !file.endsWith('.tmp') && file !== 'covers');
    expect(generated).toHaveLength(DEMO_BOOKS.length);
    // Each cover's two WebP sizes are kept too (a reset wipes the storage, not the cache).
    expect((await readdir(join(cacheDir, 'covers'))).filter((file) => file.endsWith('.webp'))).toHaveLength(
      2 * DEMO_BOOKS.length,
    );

    const second = await attachDemoContent({ db: pool, storage, cacheDir });
    expect(second).toEqual({ attached: [], unchanged: expect.arrayContaining(first.attached) });

    // Files gone from storage (a wiped .coko/storage) are published again, from the cache.
    await storage.remove('books', [`${seedBookId(8)}/book.epub`]);
    const third = await attachDemoContent({ db: pool, storage, cacheDir });
    expect(third.attached).toEqual([seedBookId(8)]);
  });

  it('publishes a wiped storage again with the same covers, taken from the cache', async () => {
    const first = tempStorage();
    await attachDemoContent({ db: pool, storage: first, cacheDir });
    const coverPaths = async () =>
      new Map(
        (
          await pool.query<{ id: string; cover_path: string }>(
            'select id, cover_path from public.books where id = any($1::uuid[])',
            [DEMO_BOOKS.map((book) => seedBookId(book.seed))],
          )
        ).rows.map((row) => [row.id, row.cover_path]),
      );
    const before = await coverPaths();

    // A new storage (what a reset leaves): same covers, so the same content-hash folders.
    await attachDemoContent({ db: pool, storage: tempStorage(), cacheDir });
    expect(await coverPaths()).toEqual(before);

    // The cache is what answers: a cached large size that differs gives another content hash.
    const covers = join(cacheDir, 'covers');
    const large = (await readdir(covers)).find((file) => file.endsWith('.large.webp')) as string;
    const original = await readFile(join(covers, large));
    const other = await sharp({ create: { width: 720, height: 1080, channels: 3, background: '#123456' } })
      .webp()
      .toBuffer();
    await writeFile(join(covers, large), other);
    try {
      await attachDemoContent({ db: pool, storage: tempStorage(), cacheDir });
      const after = await coverPaths();
      const changed = [...after].filter(([id, path]) => before.get(id) !== path);
      expect(changed).toHaveLength(1);
      expect(changed[0]?.[1]).toContain(createHash('sha256').update(other).digest('hex').slice(0, 16));
    } finally {
      await writeFile(join(covers, large), original);
    }
  });
});
