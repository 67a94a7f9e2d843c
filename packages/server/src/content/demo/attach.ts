import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queryable } from '../../db/pool.ts';
import { rows } from '../../db/rows.ts';
import type { StoragePort } from '../../providers/storage/port.ts';
import { COVER_ENCODING, COVER_SIZES, type CoverEncoder, type CoverSize, coverWebps } from '../covers.ts';
import { BOOKS_BUCKET, bookFilePath } from '../layout.ts';
import { publishBookFiles } from '../publish.ts';
import { recordBookFiles } from '../record-book-files.ts';
import type { DemoBookText } from './book-text.ts';
import { DEMO_BOOKS, type DemoBookShape, seedBookId } from './catalog.ts';
import { generateDemoFile } from './generate.ts';

// Bump when the generator's output changes, so cached files are made again.
const GENERATOR_VERSION = 1;

export interface AttachDemoContentOptions {
  /** The server's database (the `postgres` role, which owns `books`). */
  db: Queryable;
  storage: StoragePort;
  /** Where generated files are kept between runs (`.coko/cache/demo-content`, kept by `coko dev --reset`). */
  cacheDir: string;
  /** Demo books to attach (default: DEMO_BOOKS). */
  books?: readonly DemoBookShape[];
}

export interface AttachDemoContentResult {
  /** Books given files by this run. */
  attached: string[];
  /** Books whose files were already in storage. */
  unchanged: string[];
}

interface BookRow {
  id: string;
  title: string;
  subtitle: string | null;
  language: string;
  isbn: string | null;
  file_path: string | null;
  publisher: string | null;
  authors: string[];
}

/**
 * Gives the demo seed books real files (`coko dev`): generates each one once (cached under
 * `cacheDir`), publishes it to storage and points its `books` row at it. Books already attached
 * and present in storage are left alone, so a restart costs one query and a few `head`s; seed books
 * that are absent (a database seeded otherwise) are skipped.
 */
export async function attachDemoContent(options: AttachDemoContentOptions): Promise<AttachDemoContentResult> {
  const shapes = options.books ?? DEMO_BOOKS;
  const ids = shapes.map((shape) => seedBookId(shape.seed));
  const found = await rows<BookRow>(
    options.db,
    `select b.id, b.title, b.subtitle, b.language, b.isbn, b.file_path, p.name as publisher,
            coalesce((select array_agg(a->>'name') from jsonb_array_elements(b.list_authors) a), '{}') as authors
       from public.books b left join public.publishers p on p.id = b.publisher_id
      where b.id = any($1::uuid[])`,
    [ids],
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  await mkdir(options.cacheDir, { recursive: true });
  const result: AttachDemoContentResult = { attached: [], unchanged: [] };
  const encodeCover = cachedCoverEncoder(join(options.cacheDir, 'covers'));
  await Promise.all(
    shapes.map(async (shape) => {
      const row = byId.get(seedBookId(shape.seed));
      if (!row) return;
      const filePath = bookFilePath(row.id, shape.format);
      if (row.file_path === filePath && (await options.storage.head(BOOKS_BUCKET, filePath))) {
        result.unchanged.push(row.id);
        return;
      }
      const bytes = await cachedDemoFile(options.cacheDir, textOf(row), shape);
      const files = await publishBookFiles(options.storage, row.id, bytes, shape.format, { encodeCover });
      await recordBookFiles(options.db, row.id, files);
      result.attached.push(row.id);
    }),
  );
  return result;
}

function textOf(row: BookRow): DemoBookText {
  return {
    id: row.id,
    title: row.title,
    subtitle: row.subtitle,
    authors: row.authors,
    publisher: row.publisher,
    language: row.language,
    isbn: row.isbn?.replace(/[\s-]/g, '') ?? null,
  };
}

/** The generated file, from the cache when the same book was generated before. */
async function cachedDemoFile(cacheDir: string, book: DemoBookText, shape: DemoBookShape): Promise<Uint8Array> {
  const key = createHash('sha256')
    .update(JSON.stringify({ GENERATOR_VERSION, book, shape }))
    .digest('hex')
    .slice(0, 16);
  const file = join(cacheDir, `${book.id}-${key}.${shape.format}`);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    const bytes = await generateDemoFile(book, shape);
    await writeAside(file, bytes);
    return bytes;
  }
}

/**
 * coverWebps with its output kept in `dir`, keyed by the image and the encoding: a reset wipes the
 * storage, and encoding the demo covers again (16 WebPs) was most of the demo step's time.
 */
function cachedCoverEncoder(dir: string): CoverEncoder {
  return async (image) => {
    const key = createHash('sha256').update(COVER_ENCODING).update(image).digest('hex').slice(0, 24);
    const file = (size: CoverSize) => join(dir, `${key}.${size}.webp`);
    const sizes = Object.keys(COVER_SIZES) as CoverSize[];
    try {
      const read = await Promise.all(sizes.map(async (size) => [size, new Uint8Array(await readFile(file(size)))]));
      return Object.fromEntries(read) as Record<CoverSize, Uint8Array>;
    } catch {
      const webps = await coverWebps(image);
      await mkdir(dir, { recursive: true });
      for (const size of sizes) await writeAside(file(size), webps[size]);
      return webps;
    }
  };
}

/**
 * Writes a cache file aside, then renames it into place: an interrupted run never leaves half a file,
 * and concurrent writers of one file (two books may share a cover) each use a name of their own.
 */
async function writeAside(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.${randomUUID()}.tmp`;
  await writeFile(partial, bytes);
  await rename(partial, file);
}
