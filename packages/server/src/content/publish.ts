import { createHash } from 'node:crypto';
import { PUBLIC_OBJECT_CACHE_CONTROL, type StoragePort } from '../providers/storage/port.ts';
import { type CoverEncoder, type CoverSize, coverWebps } from './covers.ts';
import type { Epub } from './epub.ts';
import { drawCover } from './generated-cover.ts';
import {
  BOOKS_BUCKET,
  type BookFormat,
  bookFilePath,
  COVERS_BUCKET,
  coverPaths,
  explodedPath,
  manifestPath as manifestPathOf,
} from './layout.ts';
import { mediaTypeOf } from './media-types.ts';
import { readPdfInfo } from './pdf-info.ts';
import { readEpub } from './read-epub.ts';
import { WEBPUB_MEDIA_TYPE } from './webpub.ts';
import { webpubManifest } from './webpub-manifest.ts';

/** What publishBookFiles stored, in the shape of the `books` columns it fills. */
export interface PublishedBookFiles {
  format: BookFormat;
  /** `books.file_path`: `<bookId>/book.epub` in the `books` bucket. */
  filePath: string;
  fileSize: number;
  /** `books.cover_path`: the cover's folder in the `covers` bucket (`<book>/<content hash>/small.webp`, `large.webp`). */
  coverPath: string;
  /** Printed pages when the file says (EPUB page list, PDF pages), else null. */
  pageCount: number | null;
  /** `<bookId>/manifest.json` for an EPUB, null for a PDF. */
  manifestPath: string | null;
}

export interface PublishOptions {
  /**
   * The cover image (any format sharp reads), e.g. extractBook's (a PDF's first page rendered): it
   * replaces the EPUB's own cover or the drawn one; an image sharp cannot decode gives way to the drawn cover.
   */
  cover?: Uint8Array | undefined;
  /** Makes the cover sizes (default coverWebps; `coko dev`'s demo books pass one that caches its output). */
  encodeCover?: CoverEncoder;
}

const FILE_TYPES: Record<BookFormat, string> = { epub: 'application/epub+zip', pdf: 'application/pdf' };
// Readers reach book files through signed URLs only; covers are public and change only on republish.
const BOOK_CACHE = 'private, max-age=3600';
const PARALLEL_WRITES = 8;

/**
 * Stores a book's file by the layout of docs/CONTRACT-payments.md §4: the whole file, for an EPUB
 * each of its files under `epub/` plus the Readium manifest, and the cover at two widths in WebP
 * (drawn from the title when the book has none). Files of a previous version that the new one lacks
 * are removed. Throws a `BookFileError` for a file that is not a usable EPUB or PDF, before writing.
 *
 * @example
 * const files = await publishBookFiles(storage, bookId, await readFile('book.epub'), 'epub');
 * await recordBookFiles(pool, bookId, files);
 */
export async function publishBookFiles(
  storage: StoragePort,
  bookId: string,
  bytes: Uint8Array,
  format: BookFormat,
  options: PublishOptions = {},
): Promise<PublishedBookFiles> {
  const filePath = bookFilePath(bookId, format);
  const encode = options.encodeCover ?? coverWebps;
  if (format === 'pdf') {
    const info = await readPdfInfo(bytes);
    const drawn = () => drawCover(bookId, { title: info.title ?? '', author: info.author ?? '' });
    await storage.put(BOOKS_BUCKET, filePath, bytes, {
      contentType: FILE_TYPES.pdf,
      cacheControl: BOOK_CACHE,
      upsert: true,
    });
    const coverPath = options.cover
      ? await putCovers(storage, bookId, encode, options.cover, drawn)
      : await putCovers(storage, bookId, encode, await drawn());
    return {
      format,
      filePath,
      fileSize: bytes.length,
      coverPath,
      pageCount: info.pageCount,
      manifestPath: null,
    };
  }

  const epub = readEpub(bytes);
  const manifestPath = manifestPathOf(bookId);
  await storage.put(BOOKS_BUCKET, filePath, bytes, {
    contentType: FILE_TYPES.epub,
    cacheControl: BOOK_CACHE,
    upsert: true,
  });
  const exploded = await putExploded(storage, bookId, epub);
  const manifest = new TextEncoder().encode(JSON.stringify(webpubManifest(epub)));
  await storage.put(BOOKS_BUCKET, manifestPath, manifest, {
    contentType: WEBPUB_MEDIA_TYPE,
    cacheControl: BOOK_CACHE,
    upsert: true,
  });
  await removeStale(storage, explodedPath(bookId, ''), exploded);
  const coverImage = options.cover ?? (epub.cover ? epub.files.get(epub.cover.href) : undefined);
  const coverPath = await putCovers(
    storage,
    bookId,
    encode,
    coverImage ?? (await drawCover(bookId, coverTextOf(epub))),
    () => drawCover(bookId, coverTextOf(epub)),
  );
  return {
    format,
    filePath,
    fileSize: bytes.length,
    coverPath,
    pageCount: epub.pageList.length || null,
    manifestPath,
  };
}

/** Every file of the EPUB but `mimetype` under `<bookId>/epub/`; returns the paths written. */
async function putExploded(storage: StoragePort, bookId: string, epub: Epub): Promise<Set<string>> {
  const declared = new Map(epub.resources.map((resource) => [resource.href, resource.mediaType]));
  const entries = [...epub.files].filter(([path]) => path !== 'mimetype');
  const written = new Set<string>();
  for (let i = 0; i < entries.length; i += PARALLEL_WRITES) {
    await Promise.all(
      entries.slice(i, i + PARALLEL_WRITES).map(async ([path, body]) => {
        const target = explodedPath(bookId, path);
        await storage.put(BOOKS_BUCKET, target, body, {
          contentType: mediaTypeOf(path, declared.get(path)),
          cacheControl: BOOK_CACHE,
          upsert: true,
        });
        written.add(target);
      }),
    );
  }
  return written;
}

async function removeStale(storage: StoragePort, prefix: string, keep: Set<string>): Promise<void> {
  const stale = (await storage.list(BOOKS_BUCKET, prefix))
    .map((object) => object.path)
    .filter((path) => !keep.has(path));
  if (stale.length) await storage.remove(BOOKS_BUCKET, stale);
}

/**
 * Stores the cover sizes under a folder named after the image's content (`<book>/<sha-256 prefix>`), which
 * becomes `books.cover_path`: a new cover gets a new URL, so the gateway and CDNs may cache covers as
 * immutable for a year. Older cover folders of the book are removed. An image sharp cannot decode gives
 * way to the drawn cover.
 */
async function putCovers(
  storage: StoragePort,
  bookId: string,
  encode: CoverEncoder,
  image: Uint8Array,
  fallback?: () => Promise<Uint8Array>,
): Promise<string> {
  const webps = await encode(image).catch(async (error: unknown) => {
    if (!fallback) throw error;
    return encode(await fallback());
  });
  const version = createHash('sha256').update(webps.large).digest('hex').slice(0, 16);
  const coverPath = `${bookId}/${version}`;
  const paths = coverPaths(coverPath);
  await Promise.all(
    (Object.entries(webps) as [CoverSize, Uint8Array][]).map(([size, body]) =>
      storage.put(COVERS_BUCKET, paths[size], body, {
        contentType: 'image/webp',
        cacheControl: PUBLIC_OBJECT_CACHE_CONTROL,
        upsert: true,
      }),
    ),
  );
  const stale = (await storage.list(COVERS_BUCKET, `${bookId}/`))
    .map((object) => object.path)
    .filter((path) => !path.startsWith(`${coverPath}/`));
  if (stale.length) await storage.remove(COVERS_BUCKET, stale);
  return coverPath;
}

function coverTextOf(epub: Epub): { title: string; author: string } {
  return { title: epub.metadata.title, author: epub.metadata.creators.map((creator) => creator.name).join(', ') };
}
