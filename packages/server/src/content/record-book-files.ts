import type { Queryable } from '../db/pool.ts';
import type { PublishedBookFiles } from './publish.ts';

/**
 * Points `books` at the stored files. The page count is kept when the file does not tell (an EPUB
 * without a page list). Returns false when no book has that id.
 */
export async function recordBookFiles(db: Queryable, bookId: string, files: PublishedBookFiles): Promise<boolean> {
  const result = await db.query(
    `update public.books
        set file_path = $2, format = $3::public.book_format, file_size = $4, cover_path = $5,
            page_count = coalesce($6, page_count)
      where id = $1
      returning id`,
    [bookId, files.filePath, files.format, files.fileSize, files.coverPath, files.pageCount],
  );
  return result.rows.length === 1;
}
